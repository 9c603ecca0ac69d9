// Activation windows and ranking requests over extreme 64-bit starts and
// lengths (INT64_MIN/MAX, negative, huge): each must be built or refused
// quickly. A start of 10^15 s once made ActivationWindow loop for ever, with
// CreateActivation holding its lock.
#include <catch2/catch.hpp>
#include <chrono>
#include <climits>
#include <random>
#include <vector>

#include "core/civil_time.h"
#include "ranking/activation_ranker.h"
#include "ranking/activation_window.h"
#include "ranking/roster_index.h"
#include "ranking/week_minutes.h"
#include "ranking_test_support.h"

using namespace muster;

namespace {

std::vector<int64_t> ExtremeInstants() {
  std::vector<int64_t> v = {INT64_MIN,
                            INT64_MIN + 1,
                            INT64_MAX,
                            INT64_MAX - 1,
                            0,
                            -1,
                            1,
                            1'000'000'000'000'000,  // 10^15 s
                            -1'000'000'000'000'000,
                            185'000'000'000'000,  // where int32_t days wrapped
                            INT64_C(86400) * INT32_MAX,
                            INT64_C(86400) * INT32_MIN,
                            kCivilLimitSeconds,
                            kCivilLimitSeconds + 1,
                            -kCivilLimitSeconds,
                            -kCivilLimitSeconds - 1,
                            kMaxAcceptedInstant,
                            kMaxAcceptedInstant + 1};
  std::mt19937_64 rng(20261207);
  for (int i = 0; i < 2000; ++i) v.push_back(static_cast<int64_t>(rng()));
  std::uniform_int_distribution<int64_t> near(-kCivilLimitSeconds * 2, kCivilLimitSeconds * 2);
  for (int i = 0; i < 2000; ++i) v.push_back(near(rng));
  return v;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("activation windows of any start and length are built quickly", "[core][time]") {
  const std::vector<int64_t> instants = ExtremeInstants();
  const std::vector<int64_t> lengths = {
      INT64_MIN, -86400, -1, 0, 1, 60, 86400, 30 * 86400, INT64_MAX, 1'000'000'000'000'000};
  const auto t0 = std::chrono::steady_clock::now();
  int built = 0;
  for (size_t i = 0; i < instants.size(); i += 7) {
    const int64_t start = instants[i];
    for (int64_t length : lengths) {
      // Saturating start + length: the window's own arithmetic is under test.
      int64_t end = 0;
      if (__builtin_add_overflow(start, length, &end)) end = length > 0 ? INT64_MAX : INT64_MIN;
      const ActivationWindow w(start, end);
      CHECK(w.end_unix() > w.start_unix());
      CHECK(w.first_day() <= w.last_day());
      REQUIRE_FALSE(w.required().empty());
      ++built;
    }
    // Against each other too: a window from one extreme to another.
    const ActivationWindow w(start, instants[(i * 31 + 5) % instants.size()]);
    CHECK(w.end_unix() > w.start_unix());
    ++built;
  }
  CHECK(built > 500);
  CHECK(SecondsSince(t0) < 5);
}

TEST_CASE("a window of eight days or more needs the whole week", "[core][time]") {
  // 2027-03-24 (the spring gap is on Sunday 2027-03-28) for eight days.
  const int64_t start = 1805846400;
  const ActivationWindow w(start, start + 8 * 86400);
  REQUIRE(w.required().size() == 1);
  CHECK(w.required()[0].start == 0);
  CHECK(w.required()[0].end == kMinutesPerWeek);
}

TEST_CASE("a ranking request with an extreme start is refused, not computed", "[ranking][time]") {
  RosterIndex index;
  index.SetSkills(testing::TestSkills());
  REQUIRE(index.Upsert(testing::Person(1)).ok());
  const ActivationRanker ranker(index);
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t start :
       {INT64_MIN, INT64_MAX, INT64_C(1'000'000'000'000'000), kCivilLimitSeconds + 1}) {
    INFO("start " << start);
    RankRequest req = testing::Request();
    req.start_unix = start;
    req.duration_minutes = kMaxDurationMinutes;
    auto ranked = ranker.Rank(req);
    CHECK(ranked.status().code() == Code::kInvalidArgument);
    CHECK(ranked.status().field() == "start");
  }
  // At the ends of the accepted instants it is computed.
  for (int64_t start : {kMinAcceptedInstant, kMaxAcceptedInstant}) {
    RankRequest req = testing::Request();
    req.start_unix = start;
    req.duration_minutes = kMaxDurationMinutes;
    CHECK(ranker.Rank(req).ok());
  }
  CHECK(SecondsSince(t0) < 5);
}

// The calendar and London time over extreme 64-bit inputs (INT64_MIN/MAX,
// far-future instants): every call must return, quickly, with a sane value.
// An instant of 10^15 s once wrapped an int32_t day count, so the "next"
// clock change lay behind the instant and a walk over a window never ended
// (tests/daemon/ranking/extreme_window_test.cc has the windows).
#include <catch2/catch.hpp>
#include <chrono>
#include <climits>
#include <random>
#include <vector>

#include "core/civil_time.h"
#include "core/london_time.h"

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

TEST_CASE("london time functions return sane values for any 64-bit instant", "[core][time]") {
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t t : ExtremeInstants()) {
    INFO("t = " << t);
    const LondonTime l = UtcToLondon(t);
    CHECK(l.minute_of_day >= 0);
    CHECK(l.minute_of_day < 1440);
    CHECK(l.iso_weekday >= 1);
    CHECK(l.iso_weekday <= 7);
    const int offset = LondonOffsetSeconds(t);
    CHECK((offset == 0 || offset == 3600));
    const int64_t next = NextLondonTransition(t);
    CHECK((next > t || next == INT64_MAX));
    CHECK_FALSE(FormatInstant(t).empty());
    const LocalToUtc u = LondonToUtc(l.date, t);  // an absurd second of the day too
    CHECK(u.earliest <= u.latest);
  }
  CHECK(SecondsSince(t0) < 5);
}

TEST_CASE("walking from clock change to clock change always moves forward and ends",
          "[core][time]") {
  for (int64_t t : {kCivilLimitSeconds - int64_t{400 * 86400}, int64_t{1'000'000'000'000'000}}) {
    int steps = 0;
    for (int64_t at = t; at != INT64_MAX && steps < 10000; ++steps) {
      const int64_t next = NextLondonTransition(at);
      REQUIRE(next > at);
      at = next;
    }
    CHECK(steps < 10000);
  }
}

TEST_CASE("the calendar is exact inside the civil span and saturates outside it", "[core][time]") {
  for (int y : {-300000, -1, 0, 1, 1970, 2026, 9999, 10000, 300000}) {
    for (unsigned m : {1u, 2u, 3u, 12u}) {
      int yy = 0;
      unsigned mm = 0, dd = 0;
      CivilFromDays(DaysFromCivil(y, m, 28), yy, mm, dd);
      CHECK(yy == y);
      CHECK(mm == m);
      CHECK(dd == 28u);
    }
  }
  CHECK(DaysFromCivil(INT_MAX, 12, 31) == INT32_MAX);
  CHECK(DaysFromCivil(INT_MIN, 1, 1) == INT32_MIN);
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(INT32_MAX, y, m, d);
  CHECK(y > 5'000'000);
  CivilFromDays(INT32_MIN, y, m, d);
  CHECK(y < -5'000'000);
  CHECK(FormatInstant(kMaxAcceptedInstant) == "9999-12-31T23:59:59Z");
  CHECK(FormatInstant(-1) == "1969-12-31T23:59:59Z");
  CHECK(FormatInstant(1'000'000'000'000'000) == "31690708-07-05T01:46:40Z");
  CHECK(FormatInstant(INT64_MIN).find("-292277022657") == 0);
}

TEST_CASE("accepted instants run from 1970 to the end of 9999", "[core][time]") {
  CHECK(CheckAcceptedInstant("start", 0).ok());
  CHECK(CheckAcceptedInstant("start", kMaxAcceptedInstant).ok());
  const Status far = CheckAcceptedInstant("start", 1'000'000'000'000'000);
  CHECK(far.code() == Code::kInvalidArgument);
  CHECK(far.field() == "start");
  CHECK(far.message().find("9999-12-31T23:59:59Z") != std::string::npos);
  CHECK_FALSE(CheckAcceptedInstant("since", -1).ok());
  CHECK_FALSE(CheckAcceptedInstant("since", INT64_MIN).ok());
}

// Weekly windows as week minutes, and what an activation window needs of
// them, including across midnight and both clock changes.
#include <catch2/catch.hpp>

#include "ranking/activation_window.h"
#include "ranking/week_minutes.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

using testing::Day;
using testing::Utc;

constexpr uint16_t W(int day, int hour, int minute = 0) {
  return static_cast<uint16_t>((day - 1) * 1440 + hour * 60 + minute);
}

TEST_CASE("weekly windows become merged week intervals", "[availability]") {
  // Fri 22:00-06:00 crosses midnight into Saturday.
  auto iv = WeeklyWindowsToIntervals({{5, 22 * 60, 6 * 60}});
  REQUIRE(iv.size() == 1);
  CHECK(iv[0] == WeekInterval{W(5, 22), W(6, 6)});
  // Sun 22:00-06:00 wraps to Monday morning: two intervals.
  iv = WeeklyWindowsToIntervals({{7, 22 * 60, 6 * 60}});
  REQUIRE(iv.size() == 2);
  CHECK(iv[0] == WeekInterval{0, W(1, 6)});
  CHECK(iv[1] == WeekInterval{W(7, 22), 10080});
  // 00:00-00:00 is the whole day; touching windows merge; 24:00 works.
  iv = WeeklyWindowsToIntervals({{2, 0, 0}, {3, 0, 12 * 60}, {1, 18 * 60, 1440}});
  REQUIRE(iv.size() == 1);
  CHECK(iv[0] == WeekInterval{W(1, 18), W(3, 12)});
  // Every day, whole days: the whole week.
  std::vector<WeeklyWindow> all;
  for (int d = 1; d <= 7; ++d) all.push_back({d, 0, 0});
  CHECK(CoversWholeWeek(WeeklyWindowsToIntervals(all)));
  CHECK(WeeklyWindowsToIntervals({}).empty());
}

TEST_CASE("coverage and the first uncovered stretch", "[availability]") {
  const auto have = WeeklyWindowsToIntervals({{5, 18 * 60, 2 * 60}});  // Fri 18:00-Sat 02:00
  const std::vector<WeekInterval> need = {{W(5, 18), W(6, 6)}};        // Fri 18:00-Sat 06:00
  CHECK_FALSE(CoversAll(have, need));
  auto gap = FirstUncovered(have, need, W(5, 18));
  REQUIRE(gap);
  CHECK(FormatWeekGap(*gap) == "Sat 02:00-06:00");
  CHECK(CoversAll(have, std::vector<WeekInterval>{{W(5, 20), W(6, 2)}}));
  CHECK_FALSE(FirstUncovered(have, std::vector<WeekInterval>{{W(5, 20), W(6, 2)}}, 0));
  // A gap across midnight, and one ending at midnight.
  CHECK(FormatWeekGap({W(5, 22), W(6, 2)}) == "Fri 22:00-Sat 02:00");
  CHECK(FormatWeekGap({W(7, 22), W(1, 0) + 10080}) == "Sun 22:00-24:00");
  CHECK(FormatWeekGap({W(7, 22), W(1, 3) + 10080}) == "Sun 22:00-Mon 03:00");
  // Gaps are reported in time order from the activation's start (Sat), not
  // in week order (Mon first).
  const std::vector<WeekInterval> weekend = {{0, W(1, 8)}, {W(6, 9), 10080}};
  const auto sat_only = WeeklyWindowsToIntervals({{6, 9 * 60, 1440}});
  gap = FirstUncovered(sat_only, weekend, W(6, 9));
  REQUIRE(gap);
  CHECK(FormatWeekGap(*gap) == "Sun 00:00-Mon 08:00");
}

TEST_CASE("an activation in summer needs BST wall-clock minutes", "[availability]") {
  // 17:00-22:00 UTC on Wed 2026-07-15 is 18:00-23:00 BST.
  ActivationWindow w(Utc("2026-07-15T17:00:00Z"), Utc("2026-07-15T22:00:00Z"));
  REQUIRE(w.required().size() == 1);
  CHECK(w.required()[0] == WeekInterval{W(3, 18), W(3, 23)});
  CHECK(w.first_day() == Day("2026-07-15"));
  CHECK(w.last_day() == Day("2026-07-15"));
}

TEST_CASE("partial minutes are needed whole — the end date is that of the last second",
          "[availability]") {
  ActivationWindow w(Utc("2026-01-14T10:00:30Z"), Utc("2026-01-15T00:00:00Z"));
  REQUIRE(w.required().size() == 1);
  CHECK(w.required()[0] == WeekInterval{W(3, 10), W(4, 0)});
  CHECK(w.last_day() == Day("2026-01-14"));  // ends at midnight: still the 14th
  ActivationWindow x(Utc("2026-01-14T10:00:00Z"), Utc("2026-01-14T10:00:01Z"));
  CHECK(x.required()[0] == WeekInterval{W(3, 10), W(3, 10, 1)});
}

TEST_CASE("spring forward: the skipped hour is not needed", "[availability]") {
  // Sat 2026-03-28 22:00 GMT to Sun 07:00 BST (06:00 UTC): the wall clock
  // shows Sat 22:00-24:00, Sun 00:00-01:00, then Sun 02:00-07:00.
  ActivationWindow w(Utc("2026-03-28T22:00:00Z"), Utc("2026-03-29T06:00:00Z"));
  REQUIRE(w.required().size() == 2);
  CHECK(w.required()[0] == WeekInterval{W(6, 22), W(7, 1)});
  CHECK(w.required()[1] == WeekInterval{W(7, 2), W(7, 7)});
  CHECK(w.last_day() == Day("2026-03-29"));
  // A window Sat 22:00-07:00 covers it; Sat 22:00-06:00 (enough in UTC) does not.
  CHECK(CoversAll(WeeklyWindowsToIntervals({{6, 22 * 60, 7 * 60}}), w.required()));
  const auto short_window = WeeklyWindowsToIntervals({{6, 22 * 60, 6 * 60}});
  CHECK_FALSE(CoversAll(short_window, w.required()));
  CHECK(FormatWeekGap(*FirstUncovered(short_window, w.required(), w.start_week_minute())) ==
        "Sun 06:00-07:00");
  // Windows with a hole exactly at the skipped hour still cover it.
  CHECK(CoversAll(WeeklyWindowsToIntervals({{6, 22 * 60, 60}, {7, 120, 7 * 60}}), w.required()));
}

TEST_CASE("fall back: the repeated hour is needed once", "[availability]") {
  // Sat 2026-10-24 22:00 BST (21:00 UTC) to Sun 06:00 GMT (06:00 UTC): nine
  // hours, but the wall clock only shows Sat 22:00 to Sun 06:00.
  ActivationWindow w(Utc("2026-10-24T21:00:00Z"), Utc("2026-10-25T06:00:00Z"));
  REQUIRE(w.required().size() == 1);
  CHECK(w.required()[0] == WeekInterval{W(6, 22), W(7, 6)});
  CHECK(CoversAll(WeeklyWindowsToIntervals({{6, 22 * 60, 6 * 60}}), w.required()));
  CHECK_FALSE(CoversAll(WeeklyWindowsToIntervals({{6, 22 * 60, 5 * 60}}), w.required()));
  // An activation inside the repeated hour, second time round (GMT).
  ActivationWindow again(Utc("2026-10-25T01:10:00Z"), Utc("2026-10-25T01:20:00Z"));
  CHECK(again.required()[0] == WeekInterval{W(7, 1, 10), W(7, 1, 20)});
}

TEST_CASE("a window of several days needs each day", "[availability]") {
  // Fri 18:00 BST to Mon 08:00 BST.
  ActivationWindow w(Utc("2026-07-17T17:00:00Z"), Utc("2026-07-20T07:00:00Z"));
  REQUIRE(w.required().size() == 2);
  CHECK(w.required()[0] == WeekInterval{0, W(1, 8)});
  CHECK(w.required()[1] == WeekInterval{W(5, 18), 10080});
  const auto weekend =
      WeeklyWindowsToIntervals({{5, 18 * 60, 1440}, {6, 0, 0}, {7, 0, 0}, {1, 0, 8 * 60}});
  CHECK(CoversAll(weekend, w.required()));
  const auto no_sunday = WeeklyWindowsToIntervals({{5, 18 * 60, 1440}, {6, 0, 0}, {1, 0, 8 * 60}});
  CHECK(FormatWeekGap(*FirstUncovered(no_sunday, w.required(), w.start_week_minute())) ==
        "Sun 00:00-24:00");
  // Nine days: the whole week.
  ActivationWindow long_one(Utc("2026-07-17T17:00:00Z"), Utc("2026-07-26T17:00:00Z"));
  CHECK(CoversWholeWeek(long_one.required()));
}

}  // namespace
}  // namespace muster

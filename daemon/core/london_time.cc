#include "core/london_time.h"

namespace muster {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kBstOffset = 3600;

// The years of the civil span (core/civil_time.h), with a margin.
constexpr int kYearLimit = 400000;

// Callers pass instants clamped to the civil span, so -a cannot overflow.
int64_t FloorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Days since the epoch of the last Sunday of a 31-day month.
int32_t LastSundayOf31DayMonth(int year, unsigned month) {
  year = year < -kYearLimit ? -kYearLimit : year > kYearLimit ? kYearLimit : year;
  const int32_t last = DaysFromCivil(year, month, 31);
  return last - IsoWeekday(Date{last}) % 7;  // Sunday (7) -> 0 days back
}

int YearOfUnixSeconds(int64_t unix_seconds) {
  unix_seconds = ClampToCivilRange(unix_seconds);
  int y;
  unsigned m, d;
  CivilFromDays(static_cast<int32_t>(FloorDiv(unix_seconds, kSecondsPerDay)), y, m, d);
  return y;
}

}  // namespace

int64_t BstStartUtc(int year) {
  return LastSundayOf31DayMonth(year, 3) * kSecondsPerDay + 3600;
}

int64_t BstEndUtc(int year) {
  return LastSundayOf31DayMonth(year, 10) * kSecondsPerDay + 3600;
}

int LondonOffsetSeconds(int64_t unix_seconds) {
  unix_seconds = ClampToCivilRange(unix_seconds);
  const int year = YearOfUnixSeconds(unix_seconds);
  const bool bst = unix_seconds >= BstStartUtc(year) && unix_seconds < BstEndUtc(year);
  return bst ? static_cast<int>(kBstOffset) : 0;
}

int64_t NextLondonTransition(int64_t unix_seconds) {
  const int64_t t = ClampToCivilRange(unix_seconds);
  const int year = YearOfUnixSeconds(t);
  int64_t next = BstStartUtc(year + 1);
  if (t < BstStartUtc(year)) {
    next = BstStartUtc(year);
  } else if (t < BstEndUtc(year)) {
    next = BstEndUtc(year);
  }
  // Beyond the civil span there are no more changes: callers that walk from
  // change to change always move forward and stop.
  return next > unix_seconds ? next : INT64_MAX;
}

LondonTime UtcToLondon(int64_t unix_seconds) {
  unix_seconds = ClampToCivilRange(unix_seconds);
  const int offset = LondonOffsetSeconds(unix_seconds);
  const int64_t local = unix_seconds + offset;
  const int64_t days = FloorDiv(local, kSecondsPerDay);
  const int64_t second_of_day = local - days * kSecondsPerDay;
  LondonTime t;
  t.date = Date{static_cast<int32_t>(days)};
  t.minute_of_day = static_cast<int>(second_of_day / 60);
  t.second = static_cast<int>(second_of_day % 60);
  t.iso_weekday = IsoWeekday(t.date);
  t.offset_minutes = offset / 60;
  return t;
}

LocalToUtc LondonToUtc(Date date, int64_t second_of_day) {
  // Both terms are bounded first, so the sum cannot overflow.
  const int64_t local =
      ClampToCivilRange(int64_t{date.days} * kSecondsPerDay + ClampToCivilRange(second_of_day));
  // A wall-clock reading L is shown at UTC L (if GMT is then in force) and at
  // UTC L - 3600 (if BST is then in force); zero, one or both can hold.
  const int64_t as_gmt = local;
  const int64_t as_bst = local - kBstOffset;
  const bool gmt_ok = LondonOffsetSeconds(as_gmt) == 0;
  const bool bst_ok = LondonOffsetSeconds(as_bst) == kBstOffset;
  LocalToUtc out;
  if (gmt_ok && bst_ok) {
    out = {as_bst, as_gmt, LocalTimeKind::kRepeated};
  } else if (gmt_ok) {
    out = {as_gmt, as_gmt, LocalTimeKind::kUnique};
  } else if (bst_ok) {
    out = {as_bst, as_bst, LocalTimeKind::kUnique};
  } else {
    // The spring gap: the clocks jump at 01:00 UTC of that day's year.
    const int64_t jump = BstStartUtc(YearOfUnixSeconds(as_gmt));
    out = {jump, jump, LocalTimeKind::kSkipped};
  }
  return out;
}

}  // namespace muster

// Dates for tests and benchmarks that drive a real musterd, which checks an
// activation's start against the real clock (at most 24 hours in the past):
// a fixed calendar date in a test stops working once it is past. These give
// a Tuesday that is always ahead of today, so the tests keep their
// "Tuesday evening" meaning whenever they run.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <string>

namespace muster::testing {

// Days since 1970-01-01 of the first Tuesday at least two days from now,
// plus `weeks_later` weeks.
inline int64_t FutureTuesdayDays(int weeks_later = 0) {
  using namespace std::chrono;
  const int64_t today = duration_cast<days>(system_clock::now().time_since_epoch()).count();
  int64_t d = today + 2;
  // 1970-01-01 was a Thursday: (d + 4) % 7 is the weekday, 0 = Sunday.
  while ((d + 4) % 7 != 2) ++d;
  return d + 7 * int64_t{weeks_later};
}

// "YYYY-MM-DD" of FutureTuesdayDays(weeks_later).
inline std::string FutureTuesdayDate(int weeks_later = 0) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{FutureTuesdayDays(weeks_later)}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "YYYY-MM-DDT18:00Z" on that Tuesday: an --start for musterctl activate.
inline std::string FutureTuesdayEvening(int weeks_later = 0) {
  return FutureTuesdayDate(weeks_later) + "T18:00Z";
}

}  // namespace muster::testing

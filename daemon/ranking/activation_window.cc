#include "ranking/activation_window.h"

#include <algorithm>

#include "core/london_time.h"

namespace muster {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// A week and a day: longer than a week plus the hour a spring gap skips.
constexpr int64_t kWholeWeekSeconds = 8 * kSecondsPerDay;

int WeekMinuteOf(const LondonTime& t) {
  return (t.iso_weekday - 1) * kMinutesPerDay + t.minute_of_day;
}

}  // namespace

ActivationWindow::ActivationWindow(int64_t start_unix, int64_t end_unix)
    : start_unix_(ClampToCivilRange(start_unix)),
      end_unix_(std::max(ClampToCivilRange(end_unix), start_unix_ + 1)) {
  const LondonTime first = UtcToLondon(start_unix_);
  first_day_ = first.date;
  last_day_ = UtcToLondon(end_unix_ - 1).date;
  start_week_minute_ = WeekMinuteOf(first);
  if (end_unix_ - start_unix_ >= kWholeWeekSeconds) {
    // Shows every minute of the week (a spring gap skips one hour of one
    // Sunday; the next Sunday is inside too): no need to walk it.
    required_.push_back({0, static_cast<uint16_t>(kMinutesPerWeek)});
    return;
  }
  // Walk the window in pieces that stay within one local day and one UTC
  // offset; each piece is a contiguous stretch of wall-clock time.
  int64_t t = start_unix_;
  while (t < end_unix_) {
    if (required_.size() >= 64) NormaliseWeekIntervals(required_);  // long windows
    const LondonTime local = UtcToLondon(t);
    const int64_t second_of_day = SecondOfDay(local);
    const int64_t piece_end =
        std::min({end_unix_, t + (kSecondsPerDay - second_of_day), NextLondonTransition(t)});
    const int base = (local.iso_weekday - 1) * kMinutesPerDay;
    const int64_t local_end = second_of_day + (piece_end - t);  // <= 86400
    required_.push_back({static_cast<uint16_t>(base + second_of_day / 60),
                         static_cast<uint16_t>(base + (local_end + 59) / 60)});
    t = piece_end;
  }
  NormaliseWeekIntervals(required_);
}

}  // namespace muster

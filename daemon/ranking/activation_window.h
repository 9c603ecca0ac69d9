// An activation's time window [start, end) in UTC and what it means in
// Europe/London wall-clock terms: the local days it touches and the weekly
// minutes a reservist must be available for. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/civil_time.h"
#include "ranking/week_minutes.h"

namespace muster {

class ActivationWindow {
 public:
  // end_unix > start_unix (Unix seconds); any 64-bit values are safe: both
  // are clamped to the civil span (core/civil_time.h), an end not after the
  // start means one second, and the work done is bounded whatever the length
  // (a window of eight days or more needs the whole week).
  ActivationWindow(int64_t start_unix, int64_t end_unix);

  int64_t start_unix() const { return start_unix_; }
  int64_t end_unix() const { return end_unix_; }
  // London dates of the first and the last second of the window. last_day is
  // the "end date" used for certification expiry: a window ending at 00:00
  // ends on the previous day.
  Date first_day() const { return first_day_; }
  Date last_day() const { return last_day_; }
  // The week minutes the wall clock shows during the window, normalised.
  // Skipped wall-clock minutes (the spring gap) are not needed; minutes shown
  // twice (the autumn overlap) are needed once.
  const std::vector<WeekInterval>& required() const { return required_; }
  // The week minute of the start, to order uncovered stretches in time.
  int start_week_minute() const { return start_week_minute_; }

 private:
  int64_t start_unix_;
  int64_t end_unix_;
  Date first_day_;
  Date last_day_;
  std::vector<WeekInterval> required_;
  int start_week_minute_ = 0;
};

}  // namespace muster

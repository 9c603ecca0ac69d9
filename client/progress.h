// A one-line progress display for long transfers, drawn on a terminal only
// (callers pass enabled = isatty(stderr)), so that logs and pipes never see
// it. Example line:
//   [##########..........]  52%  523,000 rows  310,000 rows/s
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace muster::client {

// The line's text for `rows` done after `seconds`, `bytes` of `total_bytes`
// read (total_bytes <= 0: size unknown, no bar and no percentage).
std::string FormatProgressLine(int64_t rows, int64_t bytes, int64_t total_bytes, double seconds);

// Not thread-safe: one thread calls Update and Finish.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, int64_t total_bytes);
  ~ProgressBar() { Finish(); }

  using Clock = std::chrono::steady_clock;

  // Redraws the line, at most ten times a second.
  void Update(int64_t rows, int64_t bytes) { UpdateAt(rows, bytes, Clock::now()); }
  // Update as if the time were `now` (tests drive the throttle with this).
  void UpdateAt(int64_t rows, int64_t bytes, Clock::time_point now);
  // Erases the line (idempotent).
  void Finish();

 private:
  std::ostream& out_;
  bool enabled_;
  int64_t total_bytes_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace muster::client

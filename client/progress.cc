#include "progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "output.h"

namespace muster::client {

std::string FormatProgressLine(int64_t rows, int64_t bytes, int64_t total_bytes, double seconds) {
  constexpr int kBarWidth = 20;
  std::string line;
  if (total_bytes > 0) {
    double fraction =
        std::clamp(static_cast<double>(bytes) / static_cast<double>(total_bytes), 0.0, 1.0);
    int filled = static_cast<int>(fraction * kBarWidth);
    line = fmt::format("[{}{}] {:3}%  ", std::string(filled, '#'),
                       std::string(kBarWidth - filled, '.'), static_cast<int>(fraction * 100));
  }
  line += GroupThousands(rows) + " rows";
  if (seconds > 0) {
    line += "  " + GroupThousands(static_cast<int64_t>(static_cast<double>(rows) / seconds)) +
            " rows/s";
  }
  return line;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, int64_t total_bytes)
    : out_(out), enabled_(enabled), total_bytes_(total_bytes) {}

void ProgressBar::UpdateAt(int64_t rows, int64_t bytes, Clock::time_point now) {
  if (!enabled_) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  double seconds = std::chrono::duration<double>(now - start_).count();
  // "\r" back to the start, "\x1b[K" erases what a longer previous line left.
  out_ << '\r' << FormatProgressLine(rows, bytes, total_bytes_, seconds) << "\x1b[K" << std::flush;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

}  // namespace muster::client

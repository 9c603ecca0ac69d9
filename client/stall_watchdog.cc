#include "stall_watchdog.h"

namespace muster::client {

StallWatchdog::StallWatchdog(grpc::ClientContext* context, std::chrono::milliseconds limit)
    : context_(context), limit_ms_(limit.count()), last_progress_ms_(NowMs()) {
  thread_ = std::thread([this] { Run(); });
}

StallWatchdog::~StallWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

int64_t StallWatchdog::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void StallWatchdog::Progress() {
  last_progress_ms_.store(NowMs(), std::memory_order_relaxed);
}

void StallWatchdog::SetLimit(std::chrono::milliseconds limit) {
  Progress();
  limit_ms_.store(limit.count());
  cv_.notify_all();
}

void StallWatchdog::Pause() {
  std::lock_guard<std::mutex> lock(mu_);
  paused_ = true;
}

void StallWatchdog::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Progress();  // before unpausing, so Run never sees a stale time
    paused_ = false;
  }
  cv_.notify_all();
}

void StallWatchdog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (paused_) {
      cv_.wait(lock);
      continue;
    }
    // Progress only moves the deadline later, so sleeping until the deadline
    // computed now and checking again is enough (no wake-up per Progress()).
    int64_t deadline = last_progress_ms_.load(std::memory_order_relaxed) + limit_ms_.load();
    int64_t now = NowMs();
    if (now >= deadline) {
      fired_.store(true);
      context_->TryCancel();
      return;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(deadline - now));
  }
}

}  // namespace muster::client

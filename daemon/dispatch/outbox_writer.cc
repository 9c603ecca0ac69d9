#include "dispatch/outbox_writer.h"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>

namespace muster::dispatch {
namespace {

template <typename T>
void PrependAll(std::vector<T>& to, std::vector<T>& from) {
  if (from.empty()) return;
  to.insert(to.begin(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

}  // namespace

OutboxWriter::OutboxWriter(ApplyFn apply, std::function<void()> on_batch_failed)
    : apply_(std::move(apply)), on_batch_failed_(std::move(on_batch_failed)) {}

OutboxWriter::~OutboxWriter() {
  Stop();
}

void OutboxWriter::Start() {
  std::lock_guard lock(mu_);
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxWriter::TakeBackFailed() {
  PrependAll(callouts_, failed_callouts_);
  PrependAll(outbox_, failed_outbox_);
}

OutboxWriter::HandOverResult OutboxWriter::HandOver() {
  {
    std::lock_guard lock(mu_);
    if (busy_) return HandOverResult::kWriterBusy;
    TakeBackFailed();
    if (Empty()) return HandOverResult::kNothingQueued;
    handed_callouts_.swap(callouts_);
    handed_outbox_.swap(outbox_);
    busy_ = true;
  }
  cv_.notify_all();
  return HandOverResult::kHanded;
}

void OutboxWriter::Settle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
  TakeBackFailed();
}

Result<std::vector<int64_t>> OutboxWriter::Flush(const StandDowns& standdowns) {
  Settle();
  if (Empty() && standdowns.empty()) return std::vector<int64_t>();
  auto ids = TimedApply(callouts_, outbox_, standdowns);
  if (!ids.ok()) {
    spdlog::error("dispatch: storing {} call-out changes failed (will retry): {}",
                  callouts_.size() + outbox_.size(), ids.status().ToString());
    return ids.status();
  }
  callouts_.clear();
  outbox_.clear();
  return ids;
}

Result<std::vector<int64_t>> OutboxWriter::TimedApply(const std::vector<CalloutUpdate>& callouts,
                                                      const std::vector<OutboxUpdate>& outbox,
                                                      const StandDowns& standdowns) {
  auto started = std::chrono::steady_clock::now();
  auto result = apply_(callouts, outbox, standdowns);
  store_ms_total_ += std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  return result;
}

void OutboxWriter::Loop() {
  pthread_setname_np(pthread_self(), "dispatch-store");  // for top and perf
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || busy_; });
    if (!busy_) return;  // stopping, nothing handed over
    std::vector<CalloutUpdate> callouts = std::move(handed_callouts_);
    std::vector<OutboxUpdate> outbox = std::move(handed_outbox_);
    handed_callouts_.clear();
    handed_outbox_.clear();
    lock.unlock();
    auto done = TimedApply(callouts, outbox, {});
    if (!done.ok()) {
      spdlog::error("dispatch: storing {} call-out changes failed (will retry): {}",
                    callouts.size() + outbox.size(), done.status().ToString());
    }
    lock.lock();
    if (!done.ok()) {
      failed_callouts_ = std::move(callouts);
      failed_outbox_ = std::move(outbox);
      if (on_batch_failed_) on_batch_failed_();
    }
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace muster::dispatch

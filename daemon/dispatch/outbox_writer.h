// OutboxWriter: the dispatcher's queue of state changes (call-out updates,
// outbox updates) and the thread that stores them in batches, so the
// dispatcher's own thread goes on sending while SQLite writes.
//
// - The dispatcher thread queues changes (Add) and hands the queue over
//   (HandOver) when the writer is idle; while it is still storing the last
//   batch the queue keeps growing, which is cheaper per change.
// - A batch the writer fails to store is kept and taken back, ahead of
//   anything queued since, by the next Settle, HandOver or Flush: changes
//   are stored in the order they were made, once.
// - Settle waits until the writer is idle: the store is then the calling
//   thread's. The writer and the dispatcher thread never use it at once.
// - Flush stores the queue (and any new stand-down rows) on the calling
//   thread, after the writer's batch; on failure the changes stay queued.
//
// Storing goes through an ApplyFn (DispatchStore::Apply in production, a
// fault-injecting fake in tests). Add, HandOver, Settle and Flush are for
// one thread (the dispatcher's); the writer thread is its own.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/status.h"
#include "dispatch/dispatch_store.h"

namespace muster::dispatch {

class OutboxWriter {
 public:
  // (call-out id, call-out key) of stand-down rows to insert.
  using StandDowns = std::vector<std::pair<int64_t, std::string>>;
  // Stores changes in one transaction; returns the new stand-down row ids.
  using ApplyFn = std::function<Result<std::vector<int64_t>>(
      const std::vector<CalloutUpdate>&, const std::vector<OutboxUpdate>&, const StandDowns&)>;

  // on_batch_failed runs on the writer thread after a handed-over batch
  // failed (the dispatcher schedules another hand-over). May be empty.
  OutboxWriter(ApplyFn apply, std::function<void()> on_batch_failed);
  ~OutboxWriter();
  OutboxWriter(const OutboxWriter&) = delete;
  OutboxWriter& operator=(const OutboxWriter&) = delete;

  // Starts the writer thread ("dispatch-store").
  void Start();
  // Stops it once its batch (if any) is stored or failed; queued changes
  // stay queued (a Flush may follow).
  void Stop();

  void Add(CalloutUpdate u) { callouts_.push_back(std::move(u)); }
  void Add(OutboxUpdate u) { outbox_.push_back(std::move(u)); }
  // Nothing queued on this side (a failed batch not yet taken back is not
  // counted: Settle first).
  bool Empty() const { return callouts_.empty() && outbox_.empty(); }

  enum class HandOverResult { kHanded, kNothingQueued, kWriterBusy };
  // Hands the queue to the writer thread, failed batch first, unless it is
  // still storing the last one.
  HandOverResult HandOver();
  // Waits until the writer is idle and takes back a failed batch.
  void Settle();
  // Stores everything queued plus `standdowns` now, on this thread.
  // Errors leave the changes queued (the stand-downs are the caller's).
  Result<std::vector<int64_t>> Flush(const StandDowns& standdowns = {});

  // Milliseconds spent storing so far (benchmarks report its share).
  int64_t store_ms_total() const { return store_ms_total_.load(); }

 private:
  void Loop();
  void TakeBackFailed();  // with mu_ held and the writer idle
  Result<std::vector<int64_t>> TimedApply(const std::vector<CalloutUpdate>& callouts,
                                          const std::vector<OutboxUpdate>& outbox,
                                          const StandDowns& standdowns);

  ApplyFn apply_;
  std::function<void()> on_batch_failed_;
  // The queue, this side's only.
  std::vector<CalloutUpdate> callouts_;
  std::vector<OutboxUpdate> outbox_;
  std::atomic<int64_t> store_ms_total_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false;  // a batch is handed over and not yet stored
  bool stop_ = false;
  std::vector<CalloutUpdate> handed_callouts_;  // the batch handed over
  std::vector<OutboxUpdate> handed_outbox_;
  // A batch the writer failed to store, to be taken back.
  std::vector<CalloutUpdate> failed_callouts_;
  std::vector<OutboxUpdate> failed_outbox_;
  std::thread thread_;
};

}  // namespace muster::dispatch

// DeliveryQueue: the messages the dispatcher is working on (jobs: one per
// pending outbox row, or an in-memory retry after a failed delivery
// receipt) and when each is next due. Plain data, no I/O, no timers: the
// dispatcher arms its wake timer for EarliestDue and takes NextDue.
//
// Not thread-safe: the dispatcher uses it on its own thread.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dispatch/dispatch_store.h"

namespace muster::dispatch {

struct Job {
  int64_t outbox_id = 0;  // the job's id (negative: an in-memory retry of call-out -id)
  int64_t callout_id = 0;
  int64_t activation_id = 0;
  OutboxKind kind = OutboxKind::kCallout;
  std::string key;
  int attempts_total = 0;  // sends: as stored plus this run's
  size_t channel = 0;      // first channel still in play (earlier ones failed for good)
  size_t backend = 0;      // index into the channel's backends of the last try
  bool in_flight = false;
  std::string last_error;

  // Tries at a route position (the index of the channel in the call-out's
  // channels, the index of the backend in that channel's route), sent or
  // counted while the backend rested: a position whose tries reach its
  // max_attempts is spent, whatever its circuit breaker does.
  int& Tries(size_t channel_at, size_t backend_at);

 private:
  std::vector<std::pair<uint32_t, int>> tries_;  // a few entries at most
};

class DeliveryQueue {
 public:
  using Map = std::unordered_map<int64_t, Job>;

  // Adds a job (unless one with its id is there) due at `due_ms`.
  Job& Add(Job j, int64_t due_ms);
  // Makes a job due (again) at `at_ms`; a job may be due several times
  // (only the earliest entry that finds it idle takes effect).
  void Schedule(int64_t job_id, int64_t at_ms) { due_.push({at_ms, job_id}); }
  // The next job due at `now_ms` that still exists and is not in flight,
  // taken off the schedule; nullopt when none is due.
  std::optional<int64_t> NextDue(int64_t now_ms);
  // When the next entry is due (it may name a job gone since).
  std::optional<int64_t> EarliestDue() const;

  Map::iterator find(int64_t id) { return jobs_.find(id); }
  Map::iterator end() { return jobs_.end(); }
  Job& at(int64_t id) { return jobs_.at(id); }
  bool contains(int64_t id) const { return jobs_.count(id) > 0; }
  void erase(int64_t id) { jobs_.erase(id); }
  size_t size() const { return jobs_.size(); }
  bool empty() const { return jobs_.empty(); }
  void reserve(size_t n) { jobs_.reserve(n); }

 private:
  Map jobs_;
  using Due = std::pair<int64_t, int64_t>;  // due ms, job id
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
};

}  // namespace muster::dispatch

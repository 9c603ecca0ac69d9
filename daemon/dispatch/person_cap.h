// PersonCap: at most `per_hour` call-out messages to one person in any
// hour (a rolling window). Pure bookkeeping: the caller passes "now" in.
// Holds a few send times per person (a vector each, oldest first).
//
// Not thread-safe: the dispatcher uses it on its own thread.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace muster::dispatch {

class PersonCap {
 public:
  static constexpr int64_t kWindowMs = 3600000;

  explicit PersonCap(int per_hour) : per_hour_(per_hour) {}

  // Send times already stored (reservist, unix ms), in any order; those older
  // than an hour before whatever "now" comes later are dropped as they age.
  void Load(const std::vector<std::pair<int64_t, int64_t>>& sends);
  // Another call-out message may go to `reservist` at `now_ms`: fewer than
  // per_hour were sent in the hour before it. Always false with per_hour 0.
  bool Allows(int64_t reservist, int64_t now_ms);
  // A call-out message went to `reservist` at `now_ms` (not earlier than
  // any recorded before).
  void Record(int64_t reservist, int64_t now_ms) { sends_[reservist].push_back(now_ms); }

  int per_hour() const { return per_hour_; }

 private:
  int per_hour_;
  // reservist -> send times in the last hour, oldest first (a vector, not a
  // deque, which would take 512 bytes per person).
  std::unordered_map<int64_t, std::vector<int64_t>> sends_;
};

}  // namespace muster::dispatch

// EventHub: fans dispatch events out to watchers (WatchActivation streams).
// Publishers never block: each subscription buffers up to a limit and, if a
// slow watcher falls further behind, is told to resynchronise (take a fresh
// snapshot) instead of holding memory or the dispatcher back. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "activation/activation.h"

namespace muster::dispatch {

struct DispatchEvent {
  enum class Kind { kCallout, kWave, kState };
  Kind kind = Kind::kCallout;
  int64_t activation_id = 0;
  int64_t at_ms = 0;
  ActivationState state = ActivationState::kOpen;
  std::vector<RequirementRecord> requirements;  // counts after the event
  Callout callout;                              // kCallout
  int wave = 0;                                 // kWave
  std::string detail;
};

class EventHub {
 public:
  class Subscription {
   public:
    enum class Poll { kEvent, kTimeout, kResync, kEnded };
    // Waits up to `timeout` for the next event. kResync: events were lost
    // (too slow); take a new snapshot. kEnded: the activation is over and
    // every event has been read.
    // A zero timeout only polls (for watchers woken by their callback).
    Poll Next(DispatchEvent& out, std::chrono::milliseconds timeout);

   private:
    friend class EventHub;
    std::function<void()> on_event_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<DispatchEvent> queue_;
    bool overflowed_ = false;
    bool ended_ = false;
  };

  explicit EventHub(size_t max_buffered = 10000) : max_buffered_(max_buffered) {}

  // on_event (optional) is called after each event (or the end) is queued
  // for the subscription, with the hub's lock held: it must be quick and not
  // call back into the hub. Once Unsubscribe returns it is not called again,
  // so whatever it refers to may then be destroyed. Watchers with a callback
  // poll with Next(out, 0ms) instead of waiting on a thread.
  std::shared_ptr<Subscription> Subscribe(int64_t activation_id,
                                          std::function<void()> on_event = nullptr);
  void Unsubscribe(int64_t activation_id, const std::shared_ptr<Subscription>& s);
  // Cheap check so that publishers skip building events nobody reads.
  bool HasSubscribers(int64_t activation_id) const;
  void Publish(const DispatchEvent& event);
  // The activation is over: subscribers end once they have read everything.
  void End(int64_t activation_id);
  // Whether End was called for it (a watch started later ends at once).
  bool Ended(int64_t activation_id) const;

 private:
  size_t max_buffered_;
  mutable std::mutex mutex_;
  std::map<int64_t, std::vector<std::shared_ptr<Subscription>>> subs_;
  std::map<int64_t, bool> ended_;
};

}  // namespace muster::dispatch

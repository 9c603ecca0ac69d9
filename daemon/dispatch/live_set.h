// LiveSet: the activations the dispatcher works on, in memory, with their
// call-outs and the indexes that find them (by call-out id, by reservist, by
// answer token). Requirement counts are kept from the call-outs' states as
// they are taken in. Plain data, no I/O.
//
// Not thread-safe: the dispatcher uses it on its own thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "activation/activation_store.h"
#include "dispatch/dispatch_store.h"

namespace muster::dispatch {

// One live activation and the dispatcher's state for it.
struct LiveActivation {
  Activation a;  // header, spec, requirement counts; no call-out list
  std::unordered_map<int64_t, CalloutRow> callouts;   // by call-out id
  std::unordered_map<int64_t, int64_t> by_reservist;  // reservist -> call-out id
  std::unordered_map<int64_t, int64_t> callout_job;   // call-out id -> pending call-out job
  std::vector<WaveRow> waves;
  int64_t topup_due_ms = 0;  // 0 = none scheduled
  std::string topup_reason;
  bool exhausted = false;  // the last top-up found nobody more to ask
  std::string end_reason;
  size_t jobs = 0;  // pending jobs of this activation
  bool drain_logged = false;
  // Call-outs a create just stored and handed over, not yet taken in
  // (taken in in chunks so the first messages go out at once); rows before
  // `unloaded_at` are in.
  std::vector<StoredCallout> unloaded;
  size_t unloaded_at = 0;
  // Stand-downs whose outbox rows could not be stored yet (call-out id,
  // call-out key): the sweep tries again.
  std::vector<std::pair<int64_t, std::string>> standdowns_to_store;
};

class LiveSet {
 public:
  using Map = std::unordered_map<int64_t, LiveActivation>;
  using Found = std::pair<LiveActivation*, CalloutRow*>;

  // Takes in an activation as stored (replacing any with its id): its
  // requirements' asked and state counts are recounted from `row.callouts`.
  LiveActivation& Add(LiveActivationRow row);
  // Takes in one more call-out of `l` (counted, indexed).
  void AddCallout(LiveActivation& l, CalloutRow c);
  // Drops an activation and its answer tokens.
  void Remove(int64_t activation_id);
  // Room for `n` more answer tokens.
  void ReserveTokens(size_t n) { by_token_.reserve(by_token_.size() + n); }

  // The call-out with this id in any live activation ({nullptr, nullptr}
  // if none).
  Found FindCallout(int64_t callout_id);
  // The activation ({nullptr, nullptr} if not live) and its call-out
  // (nullptr if it has no such call-out).
  Found FindCallout(int64_t activation_id, int64_t callout_id);
  // The call-out whose answer token this is ({nullptr, nullptr} if none).
  Found FindByToken(const std::string& token);
  // The newest call-out (highest id) with an SMS channel to `phone` that
  // may still be answered (awaiting an answer, or accepted: a NO withdraws).
  const CalloutRow* LatestAnswerableByPhone(const std::string& phone) const;

  Map::iterator find(int64_t id) { return live_.find(id); }
  Map::iterator begin() { return live_.begin(); }
  Map::iterator end() { return live_.end(); }
  LiveActivation& at(int64_t id) { return live_.at(id); }
  bool contains(int64_t id) const { return live_.count(id) > 0; }
  size_t size() const { return live_.size(); }

 private:
  Map live_;
  std::unordered_map<std::string, std::pair<int64_t, int64_t>>
      by_token_;  // -> activation, call-out
};

}  // namespace muster::dispatch

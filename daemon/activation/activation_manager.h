// ActivationManager: the domain service behind ActivationService. Validates
// a spec, ranks the in-memory roster, and stores the activation with its
// first-wave selection; answers get/list/cancel/explain.
//
// Thread-safe. Creates are serialised (one mutex) so that two activations
// raised at once never select the same person for overlapping windows: each
// sees the other's selection in the busy set.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "activation/activation.h"
#include "activation/activation_store.h"
#include "core/clock.h"
#include "ranking/activation_ranker.h"
#include "ranking/roster_index.h"
#include "roster/area_scope.h"
#include "store/roster_store.h"

namespace muster {

inline constexpr size_t kMaxTitleLength = 200;
inline constexpr size_t kMaxMessageLength = 1000;
inline constexpr size_t kMaxIdempotencyKeyLength = 200;
inline constexpr int64_t kMaxStartInPastSeconds = 24 * 3600;
inline constexpr int32_t kDefaultAnswerWithinMinutes = 15;

struct CreateOutcome {
  Activation activation;
  bool created = false;  // false: the idempotency key matched an existing one
};

class ActivationManager {
 public:
  // Everything passed in must outlive the manager.
  ActivationManager(ActivationStore& store, RosterStore& roster, const RosterIndex& index,
                    RankingConfig config, const Clock& clock);

  // InvalidArgument naming the field ("title", "radius_km",
  // "requirements[0].count", ...) for a bad spec; AlreadyExists for a key
  // reused with a different spec. raised_by_areas: the creating caller's own
  // areas (empty = unscoped), stored so that it keeps access (MayManage).
  Result<CreateOutcome> Create(ActivationSpec spec, const std::string& idempotency_key,
                               std::vector<std::string> raised_by_areas = {});
  // What Create would store now (id 0), storing nothing. Candidates whose
  // home area is outside `scope` (a mutual-aid preview) are left out of the
  // list and only counted in the requirements: previews cost nothing and
  // can be repeated from many points and radii, and who appears at what
  // distance would place another area's reservist at home and map their
  // diary.
  Result<Activation> Preview(ActivationSpec spec, const AreaScope& scope = AreaScope::All());
  Result<Activation> Get(int64_t id);
  // The areas deciding access to an activation (see MayManage).
  Result<ActivationReach> ReachOf(int64_t id) { return store_.ReachOf(id); }
  Result<std::vector<Activation>> List(std::optional<ActivationState> state, int64_t before_id,
                                       int limit);
  // OPEN/FILLED -> CANCELLED; FailedPrecondition otherwise.
  Result<Activation> Cancel(int64_t id, const std::string& reason);
  // Why a reservist was or was not asked on a stored activation, for the
  // selection as it was made: who was busy and the answer history as the
  // first wave saw them (replayed up to its SelectionMark), the roster as it
  // is now. A caller scoped to areas learns about a reservist only when they
  // were asked on it (the activation already names them) or live in one of
  // the caller's areas; anyone else is NotFound, in the same words as a
  // reservist who does not exist.
  // The readiness matrix (ranking/readiness.h) with "today" from the clock;
  // with start_now the window starts now and keeps its length. `areas` are
  // already scoped by the caller (empty = every area).
  Result<ReadinessMatrix> Readiness(ReadinessQuery query, bool start_now) const;
  Result<Explanation> Explain(int64_t activation_id, int64_t reservist_id,
                              const AreaScope& scope = AreaScope::All());

  // Asks more people on an OPEN activation: gaps[i] more for requirement i
  // (0 = none), ranked as for the first wave but never anyone already asked
  // on it, and sized with the usual over-ask. Stores them as the next wave
  // and returns them (empty, storing nothing, when nobody eligible is left).
  Result<std::vector<Callout>> NextWave(int64_t id, const std::vector<int>& gaps,
                                        const std::string& reason);

  // Hand-over of new selections to the dispatcher: once enabled, Create
  // keeps the call-outs it stored (with outbox ids, tokens and channels)
  // until TakeStoredCallouts takes them, so the dispatcher starts sending
  // without reading them back. Empty if none are kept for that id.
  void KeepStoredCalloutsForDispatch(bool keep);
  std::vector<StoredCallout> TakeStoredCallouts(int64_t activation_id);

  // Moves every OPEN activation whose window has ended to EXPIRED, recording
  // the change. Runs before every other call here (lazily, so no timer is
  // needed); returns how many expired.
  Result<int> ExpireDue();

 private:
  Status ValidateSpec(ActivationSpec& spec) const;
  // The ranking request for spec over the store as it is now; with `mark`,
  // also where the state logs stood.
  Result<RankRequest> BuildRequest(const ActivationSpec& spec, int64_t exclude_activation,
                                   SelectionMark* mark = nullptr);
  static RankRequest RequestFor(const ActivationSpec& spec, SelectionInputs inputs,
                                int64_t exclude_activation);
  Result<Activation> Rank(const ActivationSpec& spec);
  Result<std::unordered_map<int64_t, std::string>> NamesOf(
      const std::vector<RankedCandidate>& selected);

  ActivationStore& store_;
  RosterStore& roster_;
  const RosterIndex& index_;
  ActivationRanker ranker_;
  const Clock& clock_;
  std::mutex create_mutex_;
  std::mutex handoff_mutex_;
  bool keep_stored_ = false;
  std::unordered_map<int64_t, std::vector<StoredCallout>> handoff_;
};

}  // namespace muster

// RosterIndex: the in-memory roster that ranking reads. Ranking never
// touches SQLite: the index is bulk-loaded at start-up (Rebuild) from a
// stream of Reservists and then kept current by Upsert/Remove (or
// ApplyChanges) after every roster write.
//
// Thread-safety: thread-safe. Any number of concurrent readers (Prepare,
// CollectEligible, Find, Memory, ...) with writers serialised behind a
// std::shared_mutex: a write waits for running queries and blocks new ones
// while it runs (microseconds per reservist). Rebuild loads into a fresh
// structure without the lock and swaps it in, so queries keep running on
// the old roster during a reload; writes made meanwhile go to the old
// structure and are replayed onto the new one before the swap.
//
// Wiring: index.Rebuild([&](const ReservistSink& sink) {
//           return store.ForEachReservist({}, sink); });
//         store.SetChangeListener([&](const RosterChange& c) {
//           index.ApplyChanges(c.upserted, c.deleted); });
//         index.SetSkills(...)  // and UpsertSkill on catalogue writes
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "core/status.h"
#include "ranking/eligibility.h"
#include "ranking/index_state.h"
#include "ranking/rank_request.h"
#include "ranking/readiness.h"
#include "ranking/selection.h"
#include "roster/model.h"
#include "roster/validate.h"

namespace muster {

// Receives one reservist; returns false to stop the stream.
using ReservistSink = std::function<bool(const Reservist&)>;
// Calls the sink once per reservist (e.g. RosterStore::ForEachReservist).
using ReservistSource = std::function<Status(const ReservistSink&)>;

class RosterIndex {
 public:
  RosterIndex();
  ~RosterIndex();
  RosterIndex(const RosterIndex&) = delete;
  RosterIndex& operator=(const RosterIndex&) = delete;

  // --- skill catalogue (used to validate requests) ---
  void SetSkills(const std::vector<Skill>& skills);  // replaces the catalogue
  void UpsertSkill(const Skill& skill);
  SkillCatalogue Skills() const;

  // --- roster ---
  // Replaces the whole roster with the source's reservists. On error the
  // index is unchanged. Reservists need id > 0. Upserts and removals made
  // while it runs (e.g. by a store listener) are applied to both the current
  // roster and, at the end, the new one, in the order they were made. One
  // Rebuild at a time (others wait).
  Status Rebuild(const ReservistSource& source);
  // Adds or replaces one reservist by id (> 0, else InvalidArgument).
  Status Upsert(const Reservist& reservist);
  // Removes a reservist; false if the id is not indexed.
  bool Remove(int64_t id);
  // Applies one committed store write atomically for readers. Returns the
  // first error; the other changes are still applied.
  Status ApplyChanges(const std::vector<Reservist>& upserted, const std::vector<int64_t>& deleted);

  int64_t size() const;
  IndexMemory Memory() const;

  // --- queries (see ActivationRanker for the usual entry point) ---
  // Validates a request against the catalogue (see PrepareRankRequest).
  Result<PreparedRequest> Prepare(const RankRequest& request) const;
  // The eligible candidates of each requirement: out[i] for requirement i.
  void CollectEligible(const PreparedRequest& request,
                       std::vector<std::vector<EligibleCandidate>>& out,
                       CollectStats* stats = nullptr) const;
  // What the index holds about a reservist, or nullopt.
  std::optional<ReservistFacts> Find(int64_t id) const;
  // Per home area x skill: holders, available in the window, certificates
  // lapsing (see ranking/readiness.h). InvalidArgument naming the field for
  // an unknown skill ("skills[1]"), a bad level or window (end not after
  // start, or longer than 31 days).
  // One at a time: a scan holds the read lock for tens of ms at 1M
  // reservists, and back-to-back scans must not keep roster writes waiting.
  Result<ReadinessMatrix> Readiness(const ReadinessQuery& query) const;

 private:
  // A write made while Rebuild loads, to replay onto the new state.
  struct PendingWrite {
    std::optional<Reservist> upsert;  // else a removal
    int64_t removed_id = 0;
  };
  Status UpsertLocked(const Reservist& reservist);
  void RemoveLocked(int64_t id);  // records the removal for a running Rebuild

  std::mutex rebuild_mutex_;            // one Rebuild at a time
  mutable std::mutex readiness_mutex_;  // one Readiness scan at a time
  mutable std::shared_mutex mutex_;
  std::unique_ptr<IndexState> state_;
  SkillCatalogue catalogue_;
  bool rebuilding_ = false;            // guarded by mutex_
  std::vector<PendingWrite> pending_;  // guarded by mutex_
};

}  // namespace muster

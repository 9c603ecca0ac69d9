// Roster: the domain service behind RosterService. Validates input against
// the skill catalogue, then calls the store. Thread-safe: the catalogue cache
// is guarded by a shared mutex and the store is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "roster/area_scope.h"
#include "roster/model.h"
#include "roster/validate.h"
#include "store/roster_store.h"

namespace muster {

// A reservist named by id (when id != 0) or by external id.
struct ReservistRef {
  int64_t id = 0;
  std::string external_id;
};

class RosterImport;

class Roster {
 public:
  // The store must outlive the Roster.
  explicit Roster(RosterStore& store);

  // Loads the skill catalogue into the cache. Call once before serving.
  Status Load();

  // Every reservist method takes the caller's area scope (default: every
  // area). A reservist outside it is NotFound, as if absent; writing one
  // into an area outside it is PermissionDenied (field home_area), and so is
  // an external id that belongs to a reservist outside it.
  Result<UpsertOutcome> UpsertReservist(Reservist reservist,
                                        const AreaScope& scope = AreaScope::All());
  Result<Reservist> GetReservist(const ReservistRef& ref,
                                 const AreaScope& scope = AreaScope::All());
  // A filter naming a home_area outside the scope is PermissionDenied;
  // otherwise the scope narrows the filter to its areas.
  Result<ReservistFilter> ScopedFilter(ReservistFilter filter, const AreaScope& scope) const;
  Result<std::vector<Reservist>> ListReservists(const ReservistFilter& filter, int64_t after_id,
                                                int limit);
  Result<int64_t> CountReservists(const ReservistFilter& filter);
  Status ForEachReservist(const ReservistFilter& filter,
                          const std::function<bool(const Reservist&)>& fn);
  Result<Reservist> SetStatus(const ReservistRef& ref, ReservistStatus status,
                              const AreaScope& scope = AreaScope::All());
  Status DeleteReservist(const ReservistRef& ref, const AreaScope& scope = AreaScope::All());

  // For a bulk import by a scoped caller: Ok when `reservist` (validated)
  // may be written within scope (its home area is covered, and its external
  // id, if already stored, belongs to a reservist of a covered area).
  Status CheckWritable(const Reservist& reservist, const AreaScope& scope);

  Result<std::vector<SkillWithHolders>> ListSkills();
  Result<Skill> UpsertSkill(Skill skill);

  // Starts a bulk import (see RosterImport).
  Result<std::unique_ptr<RosterImport>> BeginImport(bool atomic, bool dry_run);

  // Validates one reservist against the current catalogue (applies defaults).
  Status Validate(Reservist& reservist) const;

  // Called after each successful skill write (with the stored skill), under
  // the catalogue lock, so listeners see catalogue changes in order. Set it
  // before serving requests.
  void SetSkillListener(std::function<void(const Skill&)> listener) {
    skill_listener_ = std::move(listener);
  }

 private:
  Result<int64_t> ResolveId(const ReservistRef& ref, const AreaScope& scope);

  RosterStore& store_;
  mutable std::shared_mutex catalogue_mutex_;
  SkillCatalogue catalogue_;
  std::function<void(const Skill&)> skill_listener_;
};

}  // namespace muster

#include "roster/roster.h"

#include <fmt/format.h>

#include <mutex>

#include "roster/roster_import.h"

namespace muster {

Roster::Roster(RosterStore& store) : store_(store) {}

Status Roster::Load() {
  auto skills = store_.ListSkills();
  if (!skills.ok()) return skills.status();
  std::unique_lock lock(catalogue_mutex_);
  catalogue_.clear();
  for (auto& s : *skills) catalogue_.emplace(s.skill.code, s.skill);
  return {};
}

Status Roster::Validate(Reservist& reservist) const {
  std::shared_lock lock(catalogue_mutex_);
  return NormalizeAndValidateReservist(reservist, catalogue_);
}

Result<UpsertOutcome> Roster::UpsertReservist(Reservist reservist, const AreaScope& scope) {
  MUSTER_RETURN_IF_ERROR(Validate(reservist));
  if (!scope.all()) {
    if (reservist.id != 0) {
      // Replacing by id: the stored reservist must be visible too.
      auto stored = GetReservist(ReservistRef{reservist.id, ""}, scope);
      if (!stored.ok()) return stored.status();
    }
    MUSTER_RETURN_IF_ERROR(CheckWritable(reservist, scope));
  }
  return store_.UpsertReservist(reservist);
}

Status Roster::CheckWritable(const Reservist& reservist, const AreaScope& scope) {
  if (scope.all()) return {};
  if (!scope.Covers(reservist.home_area)) return scope.OutsideError(reservist.home_area);
  if (reservist.external_id.empty()) return {};
  auto stored = store_.GetReservistByExternalId(reservist.external_id);
  if (!stored.ok()) return stored.status().code() == Code::kNotFound ? Status{} : stored.status();
  if (scope.Covers(stored->home_area)) return {};
  return Status::PermissionDenied(
             fmt::format("'{}' belongs to a reservist outside this token's areas ({})",
                         reservist.external_id, scope.Describe()))
      .WithFieldPrefix("external_id");
}

Result<int64_t> Roster::ResolveId(const ReservistRef& ref, const AreaScope& scope) {
  if (ref.id != 0 && scope.all()) return ref.id;
  auto found = GetReservist(ref, scope);
  if (!found.ok()) return found.status();
  return found->id;
}

Result<Reservist> Roster::GetReservist(const ReservistRef& ref, const AreaScope& scope) {
  if (ref.id == 0 && ref.external_id.empty()) {
    return Status::InvalidArgument("ref", "give a reservist id or an external id");
  }
  auto found =
      ref.id != 0 ? store_.GetReservist(ref.id) : store_.GetReservistByExternalId(ref.external_id);
  if (found.ok() && !scope.Covers(found->home_area)) {
    // Outside the caller's areas reads as absent, in the store's own words.
    return Status::NotFound(
        ref.id != 0 ? fmt::format("reservist {} not found", ref.id)
                    : fmt::format("reservist with external_id '{}' not found", ref.external_id));
  }
  return found;
}

Result<ReservistFilter> Roster::ScopedFilter(ReservistFilter filter, const AreaScope& scope) const {
  if (scope.all()) return filter;
  if (!filter.home_area.empty()) {
    if (!scope.Covers(filter.home_area)) return scope.OutsideError(filter.home_area);
    return filter;
  }
  if (scope.areas().empty()) return Status::PermissionDenied("this caller has no areas");
  filter.areas = scope.areas();
  return filter;
}

Result<std::vector<Reservist>> Roster::ListReservists(const ReservistFilter& filter,
                                                      int64_t after_id, int limit) {
  return store_.ListReservists(filter, after_id, limit);
}

Result<int64_t> Roster::CountReservists(const ReservistFilter& filter) {
  return store_.CountReservists(filter);
}

Status Roster::ForEachReservist(const ReservistFilter& filter,
                                const std::function<bool(const Reservist&)>& fn) {
  return store_.ForEachReservist(filter, fn);
}

Result<Reservist> Roster::SetStatus(const ReservistRef& ref, ReservistStatus status,
                                    const AreaScope& scope) {
  auto id = ResolveId(ref, scope);
  if (!id.ok()) return id.status();
  return store_.SetReservistStatus(*id, status);
}

Status Roster::DeleteReservist(const ReservistRef& ref, const AreaScope& scope) {
  auto id = ResolveId(ref, scope);
  if (!id.ok()) return id.status();
  return store_.DeleteReservist(*id);
}

Result<std::vector<SkillWithHolders>> Roster::ListSkills() {
  return store_.ListSkills();
}

Result<Skill> Roster::UpsertSkill(Skill skill) {
  MUSTER_RETURN_IF_ERROR(NormalizeAndValidateSkill(skill));
  // Hold the catalogue lock across the write so validation never sees a
  // catalogue older than the store's.
  std::unique_lock lock(catalogue_mutex_);
  auto stored = store_.UpsertSkill(skill);
  if (stored.ok()) {
    catalogue_[stored->code] = *stored;
    if (skill_listener_) skill_listener_(*stored);
  }
  return stored;
}

Result<std::unique_ptr<RosterImport>> Roster::BeginImport(bool atomic, bool dry_run) {
  auto session = store_.BeginImport(atomic, dry_run);
  if (!session.ok()) return session.status();
  return std::make_unique<RosterImport>(*this, std::move(session).value(), atomic, dry_run);
}

}  // namespace muster

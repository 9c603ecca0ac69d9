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

Result<UpsertOutcome> Roster::UpsertReservist(Reservist reservist) {
  MUSTER_RETURN_IF_ERROR(Validate(reservist));
  return store_.UpsertReservist(reservist);
}

Result<int64_t> Roster::ResolveId(const ReservistRef& ref) {
  if (ref.id != 0) return ref.id;
  if (ref.external_id.empty()) {
    return Status::InvalidArgument("ref", "give a reservist id or an external id");
  }
  auto found = store_.GetReservistByExternalId(ref.external_id);
  if (!found.ok()) return found.status();
  return found->id;
}

Result<Reservist> Roster::GetReservist(const ReservistRef& ref) {
  if (ref.id != 0) return store_.GetReservist(ref.id);
  if (ref.external_id.empty()) {
    return Status::InvalidArgument("ref", "give a reservist id or an external id");
  }
  return store_.GetReservistByExternalId(ref.external_id);
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

Result<Reservist> Roster::SetStatus(const ReservistRef& ref, ReservistStatus status) {
  auto id = ResolveId(ref);
  if (!id.ok()) return id.status();
  return store_.SetReservistStatus(*id, status);
}

Status Roster::DeleteReservist(const ReservistRef& ref) {
  auto id = ResolveId(ref);
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

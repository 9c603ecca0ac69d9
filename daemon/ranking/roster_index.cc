#include "ranking/roster_index.h"

#include <mutex>
#include <utility>

namespace muster {

RosterIndex::RosterIndex() : state_(std::make_unique<IndexState>()) {}
RosterIndex::~RosterIndex() = default;

void RosterIndex::SetSkills(const std::vector<Skill>& skills) {
  SkillCatalogue catalogue;
  for (const Skill& s : skills) catalogue[s.code] = s;
  std::unique_lock lock(mutex_);
  catalogue_ = std::move(catalogue);
}

void RosterIndex::UpsertSkill(const Skill& skill) {
  std::unique_lock lock(mutex_);
  catalogue_[skill.code] = skill;
}

SkillCatalogue RosterIndex::Skills() const {
  std::shared_lock lock(mutex_);
  return catalogue_;
}

Status RosterIndex::Rebuild(const ReservistSource& source) {
  auto fresh = std::make_unique<IndexState>();
  Status failed;
  Status streamed = source([&](const Reservist& r) {
    failed = fresh->Upsert(r);
    if (!failed.ok()) failed = failed.WithFieldPrefix("reservist " + std::to_string(r.id));
    return failed.ok();
  });
  MUSTER_RETURN_IF_ERROR(failed);
  MUSTER_RETURN_IF_ERROR(streamed);
  fresh->ShrinkToFit();
  std::unique_lock lock(mutex_);
  state_.swap(fresh);
  lock.unlock();
  return Status::Ok();  // the old state is freed here, outside the lock
}

Status RosterIndex::Upsert(const Reservist& reservist) {
  std::unique_lock lock(mutex_);
  return state_->Upsert(reservist);
}

bool RosterIndex::Remove(int64_t id) {
  std::unique_lock lock(mutex_);
  return state_->Remove(id);
}

Status RosterIndex::ApplyChanges(const std::vector<Reservist>& upserted,
                                 const std::vector<int64_t>& deleted) {
  Status first;
  std::unique_lock lock(mutex_);
  for (const Reservist& r : upserted) {
    Status s = state_->Upsert(r);
    if (first.ok() && !s.ok()) first = s;
  }
  for (int64_t id : deleted) state_->Remove(id);
  return first;
}

int64_t RosterIndex::size() const {
  std::shared_lock lock(mutex_);
  return state_->size();
}

IndexMemory RosterIndex::Memory() const {
  std::shared_lock lock(mutex_);
  return state_->Memory();
}

Result<PreparedRequest> RosterIndex::Prepare(const RankRequest& request) const {
  std::shared_lock lock(mutex_);
  return PrepareRankRequest(request, catalogue_);
}

void RosterIndex::CollectEligible(const PreparedRequest& request,
                                  std::vector<std::vector<EligibleCandidate>>& out,
                                  CollectStats* stats) const {
  std::shared_lock lock(mutex_);
  state_->CollectEligible(request, out, stats);
}

std::optional<ReservistFacts> RosterIndex::Find(int64_t id) const {
  std::shared_lock lock(mutex_);
  return state_->Find(id);
}

}  // namespace muster

#include "ranking/roster_index.h"

#include <fmt/format.h>

#include <algorithm>
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
  std::lock_guard rebuild(rebuild_mutex_);
  {
    std::unique_lock lock(mutex_);
    rebuilding_ = true;
    pending_.clear();
  }
  auto fresh = std::make_unique<IndexState>();
  Status failed;
  Status streamed = source([&](const Reservist& r) {
    failed = fresh->Upsert(r);
    if (!failed.ok()) failed = failed.WithFieldPrefix("reservist " + std::to_string(r.id));
    return failed.ok();
  });
  if (failed.ok()) failed = streamed;
  std::unique_lock lock(mutex_);
  if (failed.ok()) {
    for (const PendingWrite& w : pending_) {
      if (w.upsert) {
        (void)fresh->Upsert(*w.upsert);  // its error was reported when first made
      } else {
        fresh->Remove(w.removed_id);
      }
    }
    fresh->ShrinkToFit();
    state_.swap(fresh);
  }
  rebuilding_ = false;
  pending_.clear();
  lock.unlock();
  return failed;  // the old state is freed here, outside the lock
}

Status RosterIndex::UpsertLocked(const Reservist& reservist) {
  if (rebuilding_) pending_.push_back({reservist, 0});
  return state_->Upsert(reservist);
}

void RosterIndex::RemoveLocked(int64_t id) {
  if (rebuilding_) pending_.push_back({std::nullopt, id});
}

Status RosterIndex::Upsert(const Reservist& reservist) {
  std::unique_lock lock(mutex_);
  return UpsertLocked(reservist);
}

bool RosterIndex::Remove(int64_t id) {
  std::unique_lock lock(mutex_);
  RemoveLocked(id);
  return state_->Remove(id);
}

Status RosterIndex::ApplyChanges(const std::vector<Reservist>& upserted,
                                 const std::vector<int64_t>& deleted) {
  Status first;
  std::unique_lock lock(mutex_);
  for (const Reservist& r : upserted) {
    Status s = UpsertLocked(r);
    if (first.ok() && !s.ok()) first = s;
  }
  for (int64_t id : deleted) {
    RemoveLocked(id);
    state_->Remove(id);
  }
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

Result<ReadinessMatrix> RosterIndex::Readiness(const ReadinessQuery& query) const {
  constexpr int64_t kMaxWindowSeconds = 31 * 86400;
  MUSTER_RETURN_IF_ERROR(CheckAcceptedInstant("start", query.start_unix));
  MUSTER_RETURN_IF_ERROR(CheckAcceptedInstant("end", query.end_unix));
  if (query.end_unix <= query.start_unix) {
    return Status::InvalidArgument("end", "must be after start");
  }
  if (query.end_unix - query.start_unix > kMaxWindowSeconds) {
    return Status::InvalidArgument("end", "the window may be at most 31 days long");
  }
  if (query.min_level < 1 || query.min_level > 255) {
    return Status::InvalidArgument("min_level",
                                   fmt::format("{} is out of range [1, 255]", query.min_level));
  }
  std::lock_guard one_at_a_time(readiness_mutex_);
  std::shared_lock lock(mutex_);
  std::vector<std::string> skills;
  if (query.skills.empty()) {
    for (const auto& [code, skill] : catalogue_) skills.push_back(code);
  } else {
    for (size_t i = 0; i < query.skills.size(); ++i) {
      if (!catalogue_.contains(query.skills[i])) {
        return Status::InvalidArgument(fmt::format("skills[{}]", i),
                                       fmt::format("unknown skill '{}'", query.skills[i]));
      }
      if (std::find(skills.begin(), skills.end(), query.skills[i]) == skills.end()) {
        skills.push_back(query.skills[i]);
      }
    }
    std::sort(skills.begin(), skills.end());
  }
  ReadinessMatrix m = state_->Readiness(query, skills);
  m.start_unix = query.start_unix;
  m.end_unix = query.end_unix;
  m.today = query.today;
  return m;
}

}  // namespace muster

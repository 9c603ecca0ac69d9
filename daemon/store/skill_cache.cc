#include "store/skill_cache.h"

#include <fmt/format.h>

namespace muster {
namespace {

constexpr const char* kSelectRanges = "SELECT code, min_level, max_level FROM skills";

}  // namespace

Status SkillCache::Load(SqliteDb& db) {
  auto statement = db.Prepare(kSelectRanges);
  if (!statement.ok()) return statement.status();
  SqliteStatement& st = **statement;
  SqliteStatement::AutoReset reset(st);
  ranges_.clear();
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
    ranges_[st.ColumnText(0)] = Range{st.ColumnInt(1), st.ColumnInt(2)};
  }
}

void SkillCache::Put(const Skill& skill) {
  ranges_[skill.code] = Range{skill.min_level, skill.max_level};
}

Status SkillCache::CheckHoldings(const std::vector<SkillHolding>& holdings) const {
  for (size_t i = 0; i < holdings.size(); ++i) {
    const SkillHolding& h = holdings[i];
    auto it = ranges_.find(h.skill);
    if (it == ranges_.end()) {
      return Status::InvalidArgument(fmt::format("skills[{}].skill", i),
                                     fmt::format("unknown skill code '{}'", h.skill));
    }
    if (h.level < it->second.min_level || h.level > it->second.max_level) {
      return Status::InvalidArgument(
          fmt::format("skills[{}].level", i),
          fmt::format("{} is out of range [{}, {}] for skill {}", h.level, it->second.min_level,
                      it->second.max_level, h.skill));
    }
    // Quadratic, but a reservist holds a handful of skills (at most 50).
    for (size_t j = 0; j < i; ++j) {
      if (holdings[j].skill == h.skill) {
        return Status::InvalidArgument(fmt::format("skills[{}].skill", i),
                                       fmt::format("skill '{}' is listed twice", h.skill));
      }
    }
  }
  return {};
}

}  // namespace muster

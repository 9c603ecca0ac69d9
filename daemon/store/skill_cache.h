// SkillCache: the skill catalogue's level ranges mirrored in memory, so that
// writes can check every holding (known code, level in range) without a
// query per row, and bulk imports can reject such rows before touching SQLite.
//
// Not thread-safe: the store reads and updates it only under its writer
// lock, and updates it only after the change has committed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "roster/model.h"
#include "store/sqlite_db.h"

namespace muster {

class SkillCache {
 public:
  // Replaces the contents with the skills table.
  Status Load(SqliteDb& db);
  // Adds or updates one skill.
  void Put(const Skill& skill);

  // InvalidArgument with field "skills[i].skill" for an unknown code or a
  // code listed twice, "skills[i].level" for a level outside the skill's range.
  Status CheckHoldings(const std::vector<SkillHolding>& holdings) const;

 private:
  struct Range {
    int min_level;
    int max_level;
  };
  // Ordered map with transparent lookup: the catalogue is small (tens of
  // codes), lookups take the holding's string as is.
  std::map<std::string, Range, std::less<>> ranges_;
};

}  // namespace muster

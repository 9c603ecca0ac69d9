// Moving a skill catalogue between a file and musterd: `musterctl skill
// export | import`, `roster import --with-skills` and `roster export
// --with-skills`. The file format is roster/skill_catalogue_csv.h
// (docs/roster-csv.md, "The skill catalogue file").
//
// Import compares the file with the daemon's catalogue and writes only what
// differs (UpsertSkill per added or changed skill), so running it twice
// changes nothing the second time. It never removes a skill. Before writing
// anything it checks every skill whose level range the file narrows: if a
// stored holding would fall outside the new range, nothing is written and
// the holdings are named. (The daemon refuses such a narrowing on its own
// too; this check is what names the reservists.) A call failing part-way
// leaves the skills before it written; running the import again completes
// it. Not thread-safe; one thread drives it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "connection.h"
#include "core/status.h"
#include "roster/model.h"

namespace muster::client {

// A stored holding a narrowed range would leave out of range.
struct OutOfRangeHolding {
  std::string skill;  // the skill's code
  int new_min = 0;    // the range the file asks for
  int new_max = 0;
  std::string reservist;  // "DEMO-0003 (Ann Smith)", or "id 17 (Ann Smith)"
  int level = 0;          // the level held
};

struct SkillImportReport {
  // The first failed call; OK otherwise.
  grpc::Status status;
  std::vector<std::string> added;    // codes, in file order
  std::vector<std::string> changed;  // name or levels differ
  int64_t unchanged = 0;
  // Non-empty: the import was refused and nothing was written.
  std::vector<OutOfRangeHolding> out_of_range;
  // Holdings counted out of range beyond those listed (at most 20 are
  // listed per skill).
  int64_t out_of_range_unlisted = 0;
  // True if added and changed skills were written (false for a dry run or a
  // refusal).
  bool written = false;
};

// Reads a catalogue file; errors name the file, line and field
// ("skills.csv: line 3: name: is required"). "-" is not accepted.
Result<std::vector<Skill>> ReadSkillCatalogueFile(const std::string& path);

// Brings the daemon's catalogue up to `skills` as described above.
SkillImportReport ImportSkillCatalogue(Connection& connection, std::span<const Skill> skills,
                                       bool dry_run);

// "skills: 2 added (logistics, rest_centre), 1 changed (welfare), 10
// unchanged" (with "would be" wording for a dry run).
std::string RenderSkillImportSummary(const SkillImportReport& report, bool dry_run);

// The refusal text: one line per holding out of range, then what to do (no
// final line end).
std::string RenderOutOfRange(const SkillImportReport& report);

// Reads the daemon's catalogue (sorted by code) into *out.
grpc::Status FetchSkillCatalogue(Connection& connection, std::vector<Skill>* out);

// Writes `text` to `path` through a temporary file renamed into place, so a
// failed write never leaves a partial file. Errors name the path.
Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace muster::client

// The skill catalogue file: a small CSV file with one skill per record,
// written by `musterctl skill export`, read by `musterctl skill import` and
// `musterctl roster import --with-skills`, and shipped as the default
// catalogue in deploy/skills-default.csv (compiled into the binaries, see
// DefaultSkillCatalogue()). Format (docs/roster-csv.md, "The skill
// catalogue file"):
//
//   code,name,min_level,max_level
//   first_aid,First aid,1,3
//
// - The header names the four columns, in any order, matched ignoring case
//   and surrounding spaces; all four are required, no others are allowed.
// - RFC 4180 quoting within one line ("Search, urban",...); LF or CRLF line
//   ends; empty lines are skipped; a UTF-8 byte order mark is skipped.
// - Each record must be a valid skill (NormalizeAndValidateSkill) and a code
//   may appear once.
// Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "roster/model.h"

namespace muster {

// Parses a catalogue file. Skills come back in file order. Errors are
// InvalidArgument with the field at fault ("header", "code", "name",
// "min_level", ...) and a message starting "line N: ".
Result<std::vector<Skill>> ParseSkillCatalogueCsv(std::string_view text);

// Writes `skills` in the order given (callers sort by code), header first,
// LF line ends, names quoted only when they need it.
std::string FormatSkillCatalogueCsv(std::span<const Skill> skills);

// The text of deploy/skills-default.csv, compiled in at build time.
std::string_view DefaultSkillCatalogueCsv();

// DefaultSkillCatalogueCsv(), parsed (sorted by code). The file is checked
// by a test, so this never fails in a built binary.
const std::vector<Skill>& DefaultSkillCatalogue();

}  // namespace muster

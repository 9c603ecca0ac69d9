// Fuzz target: the skill catalogue file reader (daemon/roster/
// skill_catalogue_csv.h), read by `musterctl skill import` and
// `roster import --with-skills`.
//
// Properties: an accepted file holds valid skills (codes unique, 1 <= min <=
// max <= 10), and FormatSkillCatalogueCsv writes them as a file that parses
// back to the same skills in the same order; an error names the line
// ("line N: ...") and a column (or none, for the whole record).
#include <cstdint>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "roster/skill_catalogue_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  std::string_view text = muster::fuzz::AsText(data, size);
  auto skills = muster::ParseSkillCatalogueCsv(text);
  if (!skills.ok()) {
    // The field at fault, or none for a whole record (a wrong cell count).
    static const std::set<std::string> kFields = {"",     "header",    "code",
                                                  "name", "min_level", "max_level"};
    FUZZ_CHECK(kFields.count(skills.status().field()) == 1, "an error names a column or none");
    FUZZ_CHECK(skills.status().message().rfind("line ", 0) == 0, "an error names the line");
    return 0;
  }
  std::set<std::string> codes;
  for (const auto& skill : *skills) {
    FUZZ_CHECK(1 <= skill.min_level && skill.min_level <= skill.max_level && skill.max_level <= 10,
               "levels in range");
    FUZZ_CHECK(codes.insert(skill.code).second, "codes are unique");
  }
  std::string written = muster::FormatSkillCatalogueCsv(*skills);
  auto back = muster::ParseSkillCatalogueCsv(written);
  if (!back.ok())
    std::fprintf(stderr, "written:\n%s\n%s\n", written.c_str(), back.status().ToString().c_str());
  FUZZ_CHECK(back.ok() && *back == *skills, "a written catalogue reads back the same");
  return 0;
}

// The skill catalogue file: the shipped default, the format's rules, and
// that whatever the writer writes the reader reads back.
#include "roster/skill_catalogue_csv.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace muster {
namespace {

std::string ErrorOf(std::string_view text) {
  auto parsed = ParseSkillCatalogueCsv(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Code::kInvalidArgument);
  return parsed.status().message();
}

const Skill* Find(const std::vector<Skill>& skills, std::string_view code) {
  for (const Skill& s : skills) {
    if (s.code == code) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the shipped default catalogue is compiled in and holds the common reserve skills",
          "[skill_catalogue]") {
  std::ifstream file(MUSTER_SOURCE_DIR "/deploy/skills-default.csv", std::ios::binary);
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  CHECK(DefaultSkillCatalogueCsv() == text.str());

  const std::vector<Skill>& skills = DefaultSkillCatalogue();
  for (std::string_view code :
       {"first_aid", "driver_4x4", "flood_warden", "flood_rescue", "search_rescue", "welfare",
        "interpreter", "radio_operator", "chainsaw", "boat_crew", "logistics"}) {
    INFO(code);
    CHECK(Find(skills, code) != nullptr);
  }
  REQUIRE(Find(skills, "first_aid") != nullptr);
  CHECK(*Find(skills, "first_aid") == Skill{"first_aid", "First aid", 1, 3});
  CHECK(std::is_sorted(skills.begin(), skills.end(),
                       [](const Skill& a, const Skill& b) { return a.code < b.code; }));
}

TEST_CASE("a catalogue file reads back to the skills it was written from", "[skill_catalogue]") {
  const std::vector<Skill> skills = {
      {"boat", "Boat crew", 1, 3},
      {"search_urban", "Search, urban", 2, 4},
      {"quoted", "The \"big\" one", 1, 10},
      {"spaced", " Leading space", 1, 1},
  };
  const std::string text = FormatSkillCatalogueCsv(skills);
  CHECK(text ==
        "code,name,min_level,max_level\n"
        "boat,Boat crew,1,3\n"
        "search_urban,\"Search, urban\",2,4\n"
        "quoted,\"The \"\"big\"\" one\",1,10\n"
        "spaced,\" Leading space\",1,1\n");
  auto parsed = ParseSkillCatalogueCsv(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == skills);
}

TEST_CASE("a catalogue file may reorder columns, use CRLF, a BOM and blank lines",
          "[skill_catalogue]") {
  auto parsed = ParseSkillCatalogueCsv(
      "\xEF\xBB\xBF Max_Level ,name,CODE,min_level\r\n\r\n3,First aid,first_aid, 1 \r\n");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  CHECK(parsed->front() == Skill{"first_aid", "First aid", 1, 3});
}

TEST_CASE("a bad catalogue file is refused with the line and field at fault", "[skill_catalogue]") {
  CHECK(ErrorOf("") == "line 1: the file is empty");
  CHECK(ErrorOf("code,name,levels\n") ==
        "line 1: header: unknown column(s) \"levels\"; missing column(s) \"min_level\", "
        "\"max_level\" (a skill catalogue has code,name,min_level,max_level)");
  CHECK(ErrorOf("code,name,min_level,max_level,code\n") == "line 1: header: column \"code\" twice");
  const std::string header = "code,name,min_level,max_level\n";
  CHECK(ErrorOf(header + "a1,A,1,2\nFirst Aid,First aid,1,3\n") ==
        "line 3: code: 'First Aid' must be 2..40 lower-case letters, digits or '_', starting "
        "with a letter");
  CHECK(ErrorOf(header + "first_aid,,1,3\n") == "line 2: name: is required");
  CHECK(ErrorOf(header + "first_aid,First aid,1,three\n") ==
        "line 2: max_level: \"three\" is not a whole number");
  CHECK(ErrorOf(header + "first_aid,First aid,0,3\n") == "line 2: min_level: levels start at 1");
  CHECK(ErrorOf(header + "first_aid,First aid,4,3\n") ==
        "line 2: min_level: level range [4, 3] must satisfy 1 <= min <= max <= 10");
  CHECK(ErrorOf(header + "first_aid,First aid,1,3\nfirst_aid,First aid again,1,3\n") ==
        "line 3: code: skill 'first_aid' appears twice");
  CHECK(ErrorOf(header + "first_aid,First aid,1\n") == "line 2: 3 fields where the header has 4");
  CHECK(ErrorOf(header + "first_aid,\"First aid,1,3\n") ==
        "line 2: a quoted field is not closed properly");
}

}  // namespace muster

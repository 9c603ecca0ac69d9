// Rows rejected only for unknown skill codes are explained once, with the
// missing codes and the command that adds them.
#include <catch2/catch.hpp>

#include "roster_import.h"
#include "roster_view.h"

namespace muster::client {
namespace {

v1::ImportSummary Summary(std::vector<std::pair<std::string, std::string>> errors,
                          int64_t rejected) {
  v1::ImportSummary summary;
  summary.set_received(rejected);
  summary.set_rejected(rejected);
  int64_t line = 1;
  for (auto& [field, message] : errors) {
    v1::RowError* e = summary.add_errors();
    e->set_line(++line);
    e->set_field(field);
    e->set_message(message);
  }
  return summary;
}

}  // namespace

TEST_CASE("rows rejected only for unknown skills name each missing code once", "[unknown_skills]") {
  auto summary = Summary({{"skills[0].skill", "unknown skill code 'welfare'"},
                          {"skills[1].skill", "unknown skill code 'first_aid'"},
                          {"skills[0].skill", "unknown skill code 'welfare'"}},
                         3);
  auto unknown = OnlyUnknownSkills(summary);
  REQUIRE(unknown);
  CHECK(unknown->codes == std::vector<std::string>{"first_aid", "welfare"});
  CHECK(unknown->rows == 3);
  CHECK(unknown->all_default);
  const std::string text = RenderImportSummary(summary, false);
  CHECK(
      text.starts_with("3 rows were rejected only because their skills are not in the catalogue:\n"
                       "missing skill codes: first_aid, welfare\n"
                       "add them with:  musterctl skill import --default\n"
                       "then run the import again; or in one step:  musterctl roster import FILE "
                       "--with-skills CATALOGUE.csv\n"
                       "received"));
  CHECK(text.find("line 2") == std::string::npos);
}

TEST_CASE("codes outside the default catalogue point to the source's skill export",
          "[unknown_skills]") {
  auto unknown =
      OnlyUnknownSkills(Summary({{"skills[0].skill", "unknown skill code 'juggling'"}}, 1));
  REQUIRE(unknown);
  CHECK_FALSE(unknown->all_default);
  CHECK(RenderUnknownSkills(*unknown) ==
        "1 row was rejected only because its skills are not in the catalogue:\n"
        "missing skill codes: juggling\n"
        "add them with:  musterctl skill import CATALOGUE.csv  (a `musterctl skill export` of "
        "the deployment the file came from)\n"
        "then run the import again; or in one step:  musterctl roster import FILE "
        "--with-skills CATALOGUE.csv\n");
}

TEST_CASE("any other error keeps the line by line listing", "[unknown_skills]") {
  auto summary = Summary({{"skills[0].skill", "unknown skill code 'welfare'"},
                          {"lat", "95 is out of range [-90, 90]"}},
                         2);
  CHECK_FALSE(OnlyUnknownSkills(summary));
  CHECK_FALSE(OnlyUnknownSkills(Summary({}, 0)));
  const std::string text = RenderImportSummary(summary, false);
  CHECK(
      text.starts_with("errors:\nline 2: skills[0].skill: unknown skill code 'welfare'\n"
                       "line 3: lat: 95 is out of range [-90, 90]\n"));
}

}  // namespace muster::client

// End to end: a roster exported from one deployment restores into another
// with an empty catalogue, through `roster import --with-skills` and through
// `skill export` + `skill import`; the default catalogue is what --demo
// seeds; `skill import` is idempotent and refuses a narrowing that stored
// holdings exceed. Real musterd processes, driven by the real musterctl.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;

namespace {

const std::string kDefaultCatalogue = MUSTER_SOURCE_DIR "/deploy/skills-default.csv";

// A CSV file's header, then its records sorted (export order is by id, and
// ids are the daemon's own).
std::string Sorted(const std::string& text) {
  std::istringstream in(text);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  std::string out = header + "\n";
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

CommandResult Ok(const Ctl& ctl, std::vector<std::string> args) {
  CommandResult r = ctl(std::move(args));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A daemon with its own directory and database.
struct Deployment {
  TempDir dir;
  MusterdProcess daemon;
  Ctl ctl;
  explicit Deployment(std::vector<std::string> extra = {})
      : daemon(MUSTERD_PATH, dir.File("muster.db"), dir.path().string(), std::move(extra)),
        ctl{daemon.address(), dir.path().string()} {}
};

}  // namespace

TEST_CASE("a demo roster exported with its catalogue restores into a fresh daemon in one step",
          "[integration][skills]") {
  TempDir files;
  const std::string roster = files.File("roster.csv"), skills = files.File("skills.csv");
  {
    Deployment demo({"--demo"});
    Ok(demo.ctl, {"roster", "export", roster, "--no-id", "--with-skills", skills});
  }
  // --demo seeds exactly the shipped default catalogue.
  CHECK(ReadFile(skills) == ReadFile(kDefaultCatalogue));

  Deployment fresh;
  // Without the catalogue every row fails for unknown skills: said once.
  CommandResult plain = fresh.ctl({"roster", "import", roster});
  INFO(plain.out << plain.err);
  CHECK(plain.exit_code == 1);
  CHECK(Has(plain.out,
            "300 rows were rejected only because their skills are not in the "
            "catalogue:\nmissing skill codes: boat_crew, chainsaw, driver_4x4, "
            "drone_pilot, first_aid, flood_rescue, flood_warden, interpreter, "
            "radio_operator, search_rescue, welfare\n"
            "add them with:  musterctl skill import --default\n"));
  CHECK_FALSE(Has(plain.out, "line 2:"));
  CHECK(fresh.ctl.Count() == 0);

  CommandResult restored = Ok(fresh.ctl, {"roster", "import", roster, "--with-skills", skills});
  CHECK(Has(restored.out, "skills: 13 added (boat_crew, chainsaw, "));
  CHECK(fresh.ctl.Count() == 300);

  const std::string again = files.File("again.csv"), again_skills = files.File("again-skills.csv");
  Ok(fresh.ctl, {"roster", "export", again, "--no-id", "--with-skills", again_skills});
  CHECK(Sorted(ReadFile(again)) == Sorted(ReadFile(roster)));
  CHECK(ReadFile(again_skills) == ReadFile(skills));

  // A second restore over the first changes no skill and replaces each row.
  CommandResult twice = Ok(fresh.ctl, {"roster", "import", roster, "--with-skills", skills});
  CHECK(Has(twice.out, "skills: 0 added, 0 changed, 13 unchanged\n"));
  CHECK(fresh.ctl.Count() == 300);
}

TEST_CASE("a roster restores through skill export and skill import, which is idempotent",
          "[integration][skills]") {
  TempDir files;
  const std::string roster = files.File("roster.csv"), skills = files.File("skills.csv");
  {
    Deployment demo({"--demo"});
    Ok(demo.ctl, {"roster", "export", roster, "--no-id"});
    CommandResult exported = Ok(demo.ctl, {"skill", "export", skills});
    CHECK(exported.out == "exported 13 skills to " + skills + "\n");
  }
  Deployment fresh;
  CommandResult first = Ok(fresh.ctl, {"skill", "import", skills});
  CHECK(Has(first.out, "skills: 13 added ("));
  CommandResult second = Ok(fresh.ctl, {"skill", "import", skills});
  CHECK(second.out == "skills: 0 added, 0 changed, 13 unchanged\n");
  Ok(fresh.ctl, {"roster", "import", roster});
  CHECK(fresh.ctl.Count() == 300);

  const std::string again = files.File("again.csv");
  Ok(fresh.ctl, {"roster", "export", again, "--no-id"});
  CHECK(Sorted(ReadFile(again)) == Sorted(ReadFile(roster)));
  CHECK(Ok(fresh.ctl, {"skill", "export"}).out == ReadFile(skills));
}

TEST_CASE("the default catalogue loads with one command, by file or built in",
          "[integration][skills]") {
  Deployment fresh;
  CommandResult dry = Ok(fresh.ctl, {"skill", "import", kDefaultCatalogue, "--dry-run"});
  CHECK(Has(dry.out, "skills: 13 would be added ("));
  CHECK(Ok(fresh.ctl, {"skill", "export"}).out == "code,name,min_level,max_level\n");

  CommandResult loaded = Ok(fresh.ctl, {"skill", "import", kDefaultCatalogue});
  CHECK(Has(loaded.out, "skills: 13 added ("));
  CHECK(Ok(fresh.ctl, {"skill", "export"}).out == ReadFile(kDefaultCatalogue));
  CommandResult builtin = Ok(fresh.ctl, {"skill", "import", "--default"});
  CHECK(builtin.out == "skills: 0 added, 0 changed, 13 unchanged\n");
}

TEST_CASE("skill import refuses a narrowing that stored holdings exceed, naming them",
          "[integration][skills]") {
  Deployment demo({"--demo"});
  TempDir files;
  const std::string narrow = files.File("narrow.csv");
  // The demo roster holds first_aid at levels 1-3; welfare's name changes too.
  WriteFile(narrow,
            "code,name,min_level,max_level\n"
            "welfare,Welfare,1,3\n"
            "first_aid,First aid,1,1\n");
  CommandResult refused = demo.ctl({"skill", "import", narrow});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(Has(refused.err, "nothing was changed:\n  first_aid (levels 1-1): DEMO-"));
  CHECK(Has(refused.err, "holds level 2\n"));
  CHECK(Has(refused.err, "... and "));
  // Nothing written: not even the harmless rename before it.
  const std::string catalogue = Ok(demo.ctl, {"skill", "export"}).out;
  CHECK(Has(catalogue, "welfare,Welfare support,1,3\n"));
  CHECK(Has(catalogue, "first_aid,First aid,1,3\n"));

  // Widening is always accepted.
  WriteFile(narrow, "code,name,min_level,max_level\nfirst_aid,First aid,1,4\n");
  CHECK(Ok(demo.ctl, {"skill", "import", narrow}).out ==
        "skills: 0 added, 1 changed (first_aid), 0 unchanged\n");

  // A bad file names its line and field and writes nothing.
  WriteFile(narrow, "code,name,min_level,max_level\nfirst_aid,,1,4\n");
  CommandResult bad = demo.ctl({"skill", "import", narrow});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "error: " + narrow + ": line 2: name: is required\n");
}

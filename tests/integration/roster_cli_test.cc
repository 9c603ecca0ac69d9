// End to end: a real musterd on a loopback port with a temporary database,
// driven through the real musterctl binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

void AddSkills(const Ctl& ctl) {
  for (auto [code, name, max] :
       {std::tuple{"first_aid", "First aid", "3"}, std::tuple{"driver_4x4", "4x4 driver", "2"}}) {
    CommandResult r =
        ctl({"skill", "add", code, "--name", name, "--min-level", "1", "--max-level", max});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
}

// Four good rows (lines 2, 3, 6, 8) and three bad ones (4, 5, 7); good rows
// have quoted cells with a comma and with embedded quotes.
const char* kRosterCsv =
    "external_id,name,home_area,lat,lon,postcode,max_travel_km,channels,skills,availability,"
    "unavailable\n"
    "GL-1,Ann Archer,gloucestershire,51.9925,-2.158,GL20 "
    "5AA,40,sms:+447700900001;email:ann@example.org,"
    "first_aid:2:2027-03-31:St John,fri 22:00-06:00,2026-12-24..2026-12-27:Christmas\n"
    "GL-2,\"Bloggs, Jo\",gloucestershire,51.95,-2.1,,25,sms:+447700900002,driver_4x4:1,mon-fri "
    "08:00-18:00,\n"
    "GL-3,Bad Lat,gloucestershire,95,-2.1,,25,sms:+447700900003,first_aid:1,,\n"
    "GL-4,Bad Skill,gloucestershire,51.9,-2.1,,25,sms:+447700900004,juggling:1,,\n"
    "GL-5,Cy Cole,worcestershire,52.19,-2.22,WR1 "
    "1AA,60,email:cy@example.org,first_aid:3;driver_4x4:2,,"
    "\"2027-01-02..2027-01-03:Away, \"\"abroad\"\"\"\n"
    "GL-6,Bad Date,gloucestershire,51.9,-2.1,,25,sms:+447700900006,first_aid:1:2027-02-30,,\n"
    "GL-7,Di "
    "Dean,gloucestershire,51.8,-2.2,,50,webhook:https://hooks.example.org/r/"
    "7,first_aid:1,sat;sun,\n";

}  // namespace

TEST_CASE("roster import, export, restart and reservist commands through musterctl",
          "[integration][roster]") {
  TempDir dir;
  std::string db = dir.File("muster.db");
  std::string csv = dir.File("roster.csv");
  WriteFile(csv, kRosterCsv);

  std::string exported;
  {
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    Ctl ctl{daemon.address(), dir.path().string()};
    AddSkills(ctl);

    // Dry run and atomic import of a file with bad rows store nothing.
    CommandResult dry = ctl({"roster", "import", csv, "--dry-run"});
    CHECK(dry.exit_code == 1);
    CHECK(ctl.Count() == 0);
    CommandResult atomic = ctl({"roster", "import", csv, "--atomic"});
    CHECK(atomic.exit_code == 1);
    CHECK(ctl.Count() == 0);

    // A plain import stores the good rows and names each bad one.
    CommandResult imported = ctl({"roster", "import", csv});
    INFO(imported.out << imported.err);
    CHECK(imported.exit_code == 1);
    std::string report = imported.out + imported.err;
    CHECK(report.find("line 4: lat: 95 is out of range [-90, 90]") != std::string::npos);
    CHECK(report.find("line 5: skills[0].skill: unknown skill code 'juggling'") !=
          std::string::npos);
    CHECK(report.find("line 7: skills[0].cert_expires: \"2027-02-30\" is not a date") !=
          std::string::npos);
    CHECK(ctl.Count() == 4);

    json ann = ctl.Json({"reservist", "get", "ext:GL-1"});
    CHECK(ann["name"] == "Ann Archer");
    CHECK(ann["postcode"] == "GL20 5AA");
    CHECK(ann["channels"].size() == 2);
    CHECK(ann["skills"][0]["cert_expires"] == "2027-03-31");
    CHECK(ann["skills"][0]["cert_issuer"] == "St John");
    CHECK(ann["availability"][0]["day"] == "FRIDAY");
    CHECK(ann["availability"][0]["end"] == "06:00");
    CHECK(ann["unavailable"][0]["reason"] == "Christmas");
    json jo = ctl.Json({"reservist", "get", "ext:GL-2"});
    CHECK(jo["name"] == "Bloggs, Jo");
    CHECK(jo["availability"].size() == 5);

    // Filters.
    json drivers = ctl.Json({"reservist", "list", "--skill", "driver_4x4"});
    CHECK(drivers["total"] == "2");

    // Export, then restart the daemon and find everything still there.
    CommandResult out = ctl({"roster", "export", dir.File("export1.csv")});
    REQUIRE(out.exit_code == 0);
    exported = ReadFile(dir.File("export1.csv"));
    CHECK(exported.find("\"Bloggs, Jo\"") != std::string::npos);
    CHECK(exported.find("\"2027-01-02..2027-01-03:Away, \"\"abroad\"\"\"") != std::string::npos);
    CHECK(daemon.Stop() == 0);
    CHECK(ReadFile(daemon.log_path()).find("stopped cleanly") != std::string::npos);
  }
  {
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    Ctl ctl{daemon.address(), dir.path().string()};
    CHECK(ctl({"roster", "export", dir.File("export2.csv")}).exit_code == 0);
    CHECK(ReadFile(dir.File("export2.csv")) == exported);
    CHECK(daemon.Stop() == 0);
  }
  {
    // Round trip: the export imported into an empty daemon exports the same.
    TempDir other;
    MusterdProcess daemon(MUSTERD_PATH, other.File("muster.db"), other.path().string());
    Ctl ctl{daemon.address(), other.path().string()};
    AddSkills(ctl);
    CommandResult imported = ctl({"roster", "import", dir.File("export1.csv")});
    INFO(imported.out << imported.err);
    CHECK(imported.exit_code == 0);
    CHECK(ctl({"roster", "export", other.File("export3.csv")}).exit_code == 0);
    CHECK(ReadFile(other.File("export3.csv")) == exported);
  }
}

TEST_CASE("reservist add, update, suspend, reactivate, delete", "[integration][roster]") {
  TempDir dir;
  MusterdProcess daemon(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  Ctl ctl{daemon.address(), dir.path().string()};
  AddSkills(ctl);

  json added = ctl.Json({"reservist", "add", "--name", "Eve Evans", "--area", "gloucestershire",
                         "--at", "51.99,-2.16", "--external-id", "GL-9", "--channel",
                         "sms:+447700900009", "--channel", "email:eve@example.org", "--skill",
                         "first_aid:2:2027-03-31", "--available", "fri 22:00-06:00"});
  std::string id = added["reservist"]["id"].get<std::string>();
  CHECK(added["reservist"]["max_travel_km"] == 50);

  // A bad update is refused with the field named and changes nothing.
  CommandResult bad = ctl({"reservist", "update", id, "--at", "123.4,-2.16"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("lat") != std::string::npos);
  CHECK(bad.err.find("123.4") != std::string::npos);
  CHECK(ctl.Json({"reservist", "get", id})["lat"] == 51.99);

  CHECK(ctl({"reservist", "update", id, "--max-travel", "30"}).exit_code == 0);
  CHECK(ctl.Json({"reservist", "get", "ext:GL-9"})["max_travel_km"] == 30);
  CHECK(ctl({"reservist", "suspend", id}).exit_code == 0);
  CHECK(ctl.Json({"reservist", "get", id})["status"] == "SUSPENDED");
  CHECK(ctl.Json({"reservist", "list", "--status", "suspended"})["total"] == "1");
  CHECK(ctl({"reservist", "reactivate", id}).exit_code == 0);
  CHECK(ctl.Json({"reservist", "get", id})["status"] == "ACTIVE");

  // `add` never silently replaces someone holding the external id.
  CommandResult dup = ctl({"reservist", "add", "--name", "Fay", "--area", "gloucestershire", "--at",
                           "51.9,-2.1", "--external-id", "GL-9", "--channel", "sms:+447700900010"});
  CHECK(dup.exit_code == 1);
  CHECK(dup.err.find("GL-9") != std::string::npos);
  CHECK(ctl.Json({"reservist", "get", id})["name"] == "Eve Evans");
  CHECK(ctl.Count() == 1);

  CHECK(ctl({"reservist", "delete", id}).exit_code == 2);  // not on a terminal: needs --yes
  CHECK(ctl({"reservist", "delete", id, "--yes"}).exit_code == 0);
  CommandResult gone = ctl({"reservist", "get", id});
  CHECK(gone.exit_code == 1);
  CHECK(gone.err.find("NOT_FOUND") != std::string::npos);
  CHECK(ctl.Count() == 0);

  // Unreachable server: exit code 3.
  Ctl dead{"127.0.0.1:1", dir.path().string()};
  CommandResult unreachable = dead({"--timeout", "2", "skill", "list"});
  CHECK(unreachable.exit_code == 3);
}

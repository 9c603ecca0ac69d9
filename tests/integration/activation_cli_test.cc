// End to end: import a hand-built roster, raise activations through
// musterctl against a real musterd, and check the selection is exactly what
// the rules in docs/ranking.md give; then restart and check it persisted.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/future_dates.h"
#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

// Everyone lives due east of Tewkesbury (51.9925, -2.158); 0.01467 degrees
// of longitude is about 1 km there. Line numbers in comments.
const std::string kRoster =
    "external_id,name,home_area,lat,lon,max_travel_km,channels,skills,availability\n"
    "fa1,Fa One,gloucestershire,51.9925,-2.14333,50,sms:+447700900001,first_aid:2,\n"    // 1 km
    "fa2,Fa Two,gloucestershire,51.9925,-2.12866,50,sms:+447700900002,first_aid:2,\n"    // 2 km
    "fa3,Fa Three,gloucestershire,51.9925,-2.11399,50,sms:+447700900003,first_aid:2,\n"  // 3 km
    "both,Bo Th,gloucestershire,51.9925,-2.09932,50,sms:+447700900004,"
    "first_aid:2;driver_4x4:1,\n"                                                         // 4 km
    "dr1,Dr One,gloucestershire,51.9925,-2.08465,50,sms:+447700900005,driver_4x4:1,\n"    // 5 km
    "far,Far Away,gloucestershire,51.9925,-0.98440,100,sms:+447700900006,first_aid:3,\n"  // 80 km
    "expired,Ex Pired,gloucestershire,51.9925,-2.13600,50,sms:+447700900007,"
    "first_aid:3:" +
    FutureTuesdayDate() +
    ",\n"  // 1.5 km
    "homebody,Home Body,gloucestershire,51.9925,-2.10000,3,sms:+447700900008,first_aid:3,\n"  // 4
                                                                                              // km
    "sat,Sat Urday,gloucestershire,51.9925,-2.15000,50,sms:+447700900009,first_aid:3,sat\n";

// A Tuesday ahead, 18:00 UTC, for 12 hours (ends Wednesday 06:00).
const std::vector<std::string> kSpec = {"--title",  "Tewkesbury flooding",
                                        "--at",     "51.9925,-2.158",
                                        "--radius", "30",
                                        "--start",  FutureTuesdayEvening(),
                                        "--hours",  "12",
                                        "--need",   "first_aid:2",
                                        "--need",   "driver_4x4:1"};

std::vector<std::string> With(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::vector<std::string> Names(const json& activation) {
  std::vector<std::string> out;
  for (const auto& c : activation["candidates"]) out.push_back(c["name"]);
  return out;
}

// The candidates as selected (rank, scores...), without the dispatch
// progress that changes as messages go out.
json Selection(const json& activation) {
  json out = activation["candidates"];
  for (auto& c : out) {
    for (const char* k : {"state", "channel", "backend", "last_error", "updated_at"}) c.erase(k);
  }
  return out;
}

std::string IdOf(const Ctl& ctl, const std::string& ext) {
  return ctl.Json({"reservist", "get", "ext:" + ext})["id"];
}

}  // namespace

TEST_CASE("activate selects by the documented rules, idempotently, and persists",
          "[integration][activation]") {
  TempDir dir;
  std::string db = dir.File("muster.db");
  WriteFile(dir.File("roster.csv"), kRoster);
  json first;
  std::string expired_id, sat_id;
  {
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    Ctl ctl{daemon.address(), dir.path().string()};
    REQUIRE(
        ctl({"skill", "add", "first_aid", "--name", "First aid", "--max-level", "3"}).exit_code ==
        0);
    REQUIRE(ctl({"skill", "add", "driver_4x4", "--name", "4x4", "--max-level", "2"}).exit_code ==
            0);
    CommandResult imported = ctl({"roster", "import", dir.File("roster.csv")});
    INFO(imported.out << imported.err);
    REQUIRE(imported.exit_code == 0);

    // Drivers are scarcer (2 eligible for 1 slot vs 4 for 2), so they are
    // filled first: ceil(1 x 1.5) = 2 asked, "both" and "dr1". First aid asks
    // ceil(2 x 1.5) = 3 of fa1, fa2, fa3 ("both" is taken; "far" is outside
    // the radius, "expired" expires before the end, "homebody" will only
    // travel 3 km, "sat" is available on Saturdays only).
    first = ctl.Json(With({"activate", "--key", "storm-1"}, kSpec))["activation"];
    CHECK(Names(first) ==
          std::vector<std::string>{"Fa One", "Fa Two", "Fa Three", "Bo Th", "Dr One"});
    CHECK(first["requirements"][0]["eligible"] == 4);
    CHECK(first["requirements"][0]["asked"] == 3);
    CHECK(first["requirements"][1]["eligible"] == 2);
    CHECK(first["requirements"][1]["asked"] == 2);
    CHECK(first["state"] == "OPEN");

    // The same key again: the same activation, nobody asked twice.
    json again = ctl.Json(With({"activate", "--key", "storm-1"}, kSpec));
    CHECK(again.value("created", false) == false);
    CHECK(again["activation"]["id"] == first["id"]);
    CHECK(ctl.Json({"activation", "list"})["activations"].size() == 1);
    // The same key with a different request is refused.
    std::vector<std::string> other = kSpec;
    other[5] = "20";  // radius
    CommandResult clash = ctl(With({"activate", "--key", "storm-1"}, other));
    CHECK(clash.exit_code == 1);
    CHECK(clash.err.find("ALREADY_EXISTS") != std::string::npos);

    expired_id = IdOf(ctl, "expired");
    sat_id = IdOf(ctl, "sat");
    std::string id = first["id"].get<std::string>();
    CHECK(ctl.Json({"explain", id, expired_id})["reason"].get<std::string>().find(
              "expired " + FutureTuesdayDate()) != std::string::npos);
    CHECK(ctl.Json({"explain", id, IdOf(ctl, "far")})["reason"].get<std::string>().find("radius") !=
          std::string::npos);
    CHECK(ctl.Json({"explain", id, IdOf(ctl, "homebody")})["reason"].get<std::string>().find(
              "travel") != std::string::npos);
    json chosen = ctl.Json({"explain", id, IdOf(ctl, "fa1")});
    CHECK(chosen["selected"] == true);
    CHECK(chosen["candidate"]["score"]["total"].get<double>() > 0);

    // Bad input is refused naming the field, and nothing is stored.
    std::vector<std::string> bad = kSpec;
    bad[5] = "0";
    CommandResult refused = ctl(With({"activate"}, bad));
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("spec.radius_km") != std::string::npos);
    CHECK(ctl.Json({"activation", "list"})["activations"].size() == 1);
    CHECK(daemon.Stop() == 0);
  }
  {
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    Ctl ctl{daemon.address(), dir.path().string()};
    std::string id = first["id"].get<std::string>();
    json shown = ctl.Json({"activation", "show", id});
    CHECK(Names(shown) == Names(first));
    CHECK(Selection(shown) == Selection(first));
    // The index was rebuilt: a non-overlapping preview a week later selects
    // the same people again; an overlapping one finds them busy.
    std::vector<std::string> next_week = kSpec;
    next_week[7] = FutureTuesdayEvening(1);
    CHECK(Names(ctl.Json(With({"preview"}, next_week))["activation"]) == Names(first));
    json busy = ctl.Json(With({"preview"}, kSpec))["activation"];
    CHECK(busy["requirements"][0]["eligible"] == 0);
    CHECK(busy["requirements"][0]["shortfall"] == 2);
    // Cancel frees them.
    CHECK(ctl.Json({"activation", "cancel", id, "--reason", "river falling"})["state"] ==
          "CANCELLED");
    CHECK(ctl({"activation", "cancel", id}).exit_code == 1);
    CHECK(Names(ctl.Json(With({"preview"}, kSpec))["activation"]) == Names(first));
  }
}

TEST_CASE("admin backup under import load restores to a consistent roster",
          "[integration][admin]") {
  TempDir dir;
  MusterdProcess daemon(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  Ctl ctl{daemon.address(), dir.path().string()};
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid"}).exit_code == 0);
  std::string csv = "external_id,name,home_area,lat,lon,channels,skills\n";
  for (int i = 0; i < 20000; ++i) {
    csv += "E" + std::to_string(i) + ",Person " + std::to_string(i) +
           ",gloucestershire,51.9,-2.1,sms:+447700900123,first_aid:1\n";
  }
  WriteFile(dir.File("big.csv"), csv);
  pid_t import =
      Spawn({MUSTERCTL_PATH, "--server", daemon.address(), "roster", "import", dir.File("big.csv")},
            dir.File("import.out"), dir.File("import.err"));
  CommandResult backup = ctl({"admin", "backup", dir.File("copy.db")});
  INFO(backup.out << backup.err);
  CHECK(backup.exit_code == 0);
  CHECK(WaitExit(import, std::chrono::seconds(120)) == 0);

  // The copy opens in a fresh musterd (migrations and quick_check pass).
  TempDir other;
  MusterdProcess restored(MUSTERD_PATH, dir.File("copy.db"), other.path().string());
  Ctl rctl{restored.address(), other.path().string()};
  json list = rctl.Json({"reservist", "list", "--limit", "1"});
  int64_t total = std::stoll(list["total"].get<std::string>());
  CHECK(total >= 0);
  CHECK(total <= 20000);
  CHECK(rctl.Json({"skill", "list"})["skills"][0]["code"] == "first_aid");
}

// `musterctl activate --start now --key K` is idempotent: "now" is resolved
// by the daemon and the key compares "now", not the instant it became, so
// the same command repeated later returns the same activation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <thread>

#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

const char* kRoster =
    "external_id,name,home_area,lat,lon,channels,skills\n"
    "fa1,Fa One,gloucestershire,51.9925,-2.14333,sms:+447700900001,first_aid:2\n"
    "fa2,Fa Two,gloucestershire,51.9925,-2.12866,sms:+447700900002,first_aid:2\n"
    "fa3,Fa Three,gloucestershire,51.9925,-2.11399,sms:+447700900003,first_aid:2\n";

std::vector<std::string> Activate(const std::string& key, const std::string& start) {
  return {"activate", "--key",          key,        "--title", "Tewkesbury flooding",
          "--at",     "51.9925,-2.158", "--radius", "30",      "--start",
          start,      "--hours",        "6",        "--need",  "first_aid:1"};
}

// Waits (at most 2 s) until the wall clock is in a later second than `t`:
// "now" then names another instant.
void WaitForNextSecond(std::time_t t) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::time(nullptr) <= t && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(std::time(nullptr) > t);
}

}  // namespace

TEST_CASE("activate --start now with a key is the same request when repeated later",
          "[integration][activation]") {
  TempDir dir;
  WriteFile(dir.File("roster.csv"), kRoster);
  MusterdProcess daemon(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  Ctl ctl{daemon.address(), dir.path().string()};
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid", "--max-level", "3"}).exit_code ==
          0);
  REQUIRE(ctl({"roster", "import", dir.File("roster.csv")}).exit_code == 0);

  json first = ctl.Json(Activate("storm-now", "now"));
  REQUIRE(first["created"] == true);
  const json& activation = first["activation"];
  // The daemon resolved "now" and stored that instant.
  CHECK(activation["spec"]["start_now"] == false);
  CHECK(!activation["spec"]["start"].get<std::string>().empty());

  // The daemon's "now" was at or before this second; the repeat comes later.
  WaitForNextSecond(std::time(nullptr));
  json again = ctl.Json(Activate("storm-now", "now"));
  CHECK(again["created"] == false);
  CHECK(again["activation"]["id"] == activation["id"]);
  CHECK(again["activation"]["spec"]["start"] == activation["spec"]["start"]);
  CHECK(ctl.Json({"activation", "list"})["activations"].size() == 1);

  // In table form the repeat says so and asks nobody.
  CommandResult table = ctl(Activate("storm-now", "now"));
  INFO(table.err);
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("already exists for key 'storm-now'; nobody asked again") !=
        std::string::npos);

  // The key still guards the rest of the request, and an explicit instant
  // is another request than "now", even the instant "now" became.
  std::vector<std::string> wider = Activate("storm-now", "now");
  wider[8] = "20";  // radius
  CommandResult clash = ctl(wider);
  CHECK(clash.exit_code == 1);
  CHECK(clash.err.find("ALREADY_EXISTS") != std::string::npos);
  CommandResult explicit_start =
      ctl(Activate("storm-now", activation["spec"]["start"].get<std::string>()));
  CHECK(explicit_start.exit_code == 1);
  CHECK(explicit_start.err.find("ALREADY_EXISTS") != std::string::npos);

  // Another key is another activation; preview takes "now" too.
  CHECK(ctl.Json(Activate("storm-now-2", "now"))["created"] == true);
  std::vector<std::string> preview = Activate("", "now");
  preview.erase(preview.begin() + 1, preview.begin() + 3);  // --key ""
  preview[0] = "preview";
  CommandResult previewed = ctl(preview);
  INFO(previewed.err);
  CHECK(previewed.exit_code == 0);
}

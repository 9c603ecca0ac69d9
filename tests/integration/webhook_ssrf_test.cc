// A roster admin sets people's webhook addresses; musterd must not become a
// way into the machine or the networks behind it. End to end: musterd with a
// webhook backend and no allow_networks, people whose webhook addresses point
// at loopback (a live sink), the cloud metadata address and a name that
// resolves to loopback.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/dispatch_helpers.h"
#include "support/future_dates.h"
#include "support/http_sink.h"
#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

TEST_CASE("webhook addresses on loopback, link-local or private networks are refused end to end",
          "[integration][dispatch]") {
  TempDir dir;
  HttpSink sink;  // a loopback service that must never be reached
  std::string config = dir.File("musterd.toml");
  WriteFile(config, R"(
[channels]
webhook = ["hook"]

[notifiers.hook]
type = "webhook"
secret = "s3cret"
max_attempts = 1
)");
  MusterdProcess daemon(MUSTERD_PATH, dir.File("m.db"), dir.path(), {"--config", config});
  Ctl ctl{daemon.address(), dir.path()};
  const std::vector<std::string> targets = {
      sink.url("/internal"), "http://localhost:" + std::to_string(sink.port()) + "/internal",
      "http://169.254.169.254/latest/meta-data/"};
  std::string csv = "external_id,name,home_area,lat,lon,max_travel_km,channels,skills\n";
  for (size_t i = 0; i < targets.size(); ++i) {
    csv += "p" + std::to_string(i + 1) + ",Person " + std::to_string(i + 1) +
           ",gloucestershire,51.9925," + std::to_string(-2.158 + 0.0001 * (i + 1)) +
           ",50,webhook:" + targets[i] + ",first_aid:2\n";
  }
  WriteFile(dir.File("roster.csv"), csv);
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid", "--max-level", "3"}).exit_code ==
          0);
  REQUIRE(ctl({"roster", "import", dir.File("roster.csv")}).exit_code == 0);
  json made =
      ctl.Json({"activate", "--title", "Tewkesbury flooding", "--at", "51.9925,-2.158", "--radius",
                "30", "--start", FutureTuesdayEvening(), "--hours", "12", "--need", "first_aid:3"});
  std::string id = made["activation"]["id"];
  json a = WaitForActivation(
      ctl, id, [](const json& now) { return CountState(now, "CALLOUT_FAILED") == 3; });
  for (const auto& c : a["candidates"]) {
    std::string error = c.value("last_error", "");
    INFO(error);
    CHECK(error.find("refused to connect to ") != std::string::npos);
    CHECK(error.find("(not in allow_networks)") != std::string::npos);
  }
  CHECK(sink.request_count() == 0);
  CHECK(sink.connections() == 0);
}

// End to end through the real musterd and musterctl with the embedded
// default (the log notifier): activate, watch the call-outs go out, answer,
// fill, stand down — and the same through the HTTP answer links.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "support/dispatch_helpers.h"
#include "support/future_dates.h"
#include "support/musterctl.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

// Six first aiders east of Tewkesbury, 1..6 km.
const char* kRoster =
    "external_id,name,home_area,lat,lon,max_travel_km,channels,skills\n"
    "fa1,Fa One,gloucestershire,51.9925,-2.14333,50,sms:+447700900001,first_aid:2\n"
    "fa2,Fa Two,gloucestershire,51.9925,-2.12866,50,sms:+447700900002,first_aid:2\n"
    "fa3,Fa Three,gloucestershire,51.9925,-2.11399,50,sms:+447700900003,first_aid:2\n"
    "fa4,Fa Four,gloucestershire,51.9925,-2.09932,50,sms:+447700900004,first_aid:2\n"
    "fa5,Fa Five,gloucestershire,51.9925,-2.08465,50,sms:+447700900005,first_aid:2\n"
    "fa6,Fa Six,gloucestershire,51.9925,-2.06998,50,sms:+447700900006,first_aid:2\n";

const std::vector<std::string> kActivate = {"activate",
                                            "--title",
                                            "Tewkesbury flooding",
                                            "--at",
                                            "51.9925,-2.158",
                                            "--radius",
                                            "30",
                                            "--start",
                                            FutureTuesdayEvening(),
                                            "--hours",
                                            "12",
                                            "--need",
                                            "first_aid:2"};

}  // namespace

TEST_CASE("activate, watch, answer, fill and stand down through musterctl",
          "[integration][dispatch]") {
  TempDir dir;
  MusterdProcess daemon(MUSTERD_PATH, dir.File("m.db"), dir.path());
  Ctl ctl{daemon.address(), dir.path()};
  WriteFile(dir.File("roster.csv"), kRoster);
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid", "--max-level", "3"}).exit_code ==
          0);
  REQUIRE(ctl({"roster", "import", dir.File("roster.csv")}).exit_code == 0);

  json made = ctl.Json(kActivate);
  std::string id = made["activation"]["id"];
  REQUIRE(made["activation"]["candidates"].size() == 3);

  // A watcher from the start; it ends by itself when the activation is over.
  pid_t watcher =
      Spawn({MUSTERCTL_PATH, "--server", daemon.address(), "--output", "json", "watch", id},
            dir.File("watch.out"), dir.File("watch.err"));

  json a = WaitForActivation(
      ctl, id, [](const json& now) { return CountState(now, "CALLOUT_DELIVERED") == 3; });
  for (const auto& c : a["candidates"]) {
    CHECK(c["channel"] == "sms");
    CHECK(c["backend"] == "log");
  }
  std::vector<std::string> ids;
  for (const auto& c : a["candidates"]) ids.push_back(c["reservist_id"]);

  auto answer = [&](const std::string& rid, const std::string& what) {
    return ctl({"answer", "--activation", id, "--reservist", rid, what});
  };
  CommandResult r = answer(ids[0], "accept");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("recorded") != std::string::npos);
  r = answer(ids[0], "accept");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("already") != std::string::npos);
  CHECK(answer(ids[1], "accept").exit_code == 0);
  a = WaitForActivation(ctl, id, [](const json& now) { return now["state"] == "FILLED"; });
  CHECK(CountState(a, "CALLOUT_ACCEPTED") == 2);
  CHECK(CountState(a, "CALLOUT_STOOD_DOWN") == 1);
  r = answer(ids[2], "accept");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no longer needed") != std::string::npos);
  CHECK(answer("999999", "accept").exit_code == 1);

  r = ctl({"stand-down", id, "--reason", "river fell", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  a = WaitForActivation(ctl, id, [](const json& now) { return now["state"] == "STOOD_DOWN"; });
  CHECK(CountState(a, "CALLOUT_STOOD_DOWN") == 3);

  // The watcher saw it all and ended on its own.
  REQUIRE(WaitExit(watcher, std::chrono::seconds(20)) == 0);
  std::ifstream in(dir.File("watch.out"));
  std::string line;
  std::multiset<std::string> kinds;
  std::set<std::string> callout_states;
  while (std::getline(in, line)) {
    json e = json::parse(line);
    kinds.insert(e["kind"].get<std::string>());
    if (e["kind"] == "CALLOUT") callout_states.insert(e["callout"]["state"].get<std::string>());
  }
  CHECK(kinds.count("SNAPSHOT") == 1);
  CHECK(kinds.count("STATE") >= 2);  // filled, stood down
  CHECK(callout_states.count("CALLOUT_ACCEPTED") == 1);
  CHECK(callout_states.count("CALLOUT_STOOD_DOWN") == 1);

  // The log notifier wrote each message without the phone number.
  std::string log = ReadFile(daemon.log_path());
  CHECK(log.find("muster-a" + id + "-r" + ids[0]) != std::string::npos);
  CHECK(log.find("+447700900001") == std::string::npos);
  CHECK(daemon.Stop() == 0);
}

TEST_CASE("answer links over HTTP: confirm page, accept, decline brings the next wave, 404s",
          "[integration][dispatch]") {
  TempDir dir;
  // Debug level: the full answer links are in debug lines only.
  MusterdProcess daemon(MUSTERD_PATH, dir.File("m.db"), dir.path(), {"--log-level", "debug"});
  REQUIRE(daemon.http_port() > 0);
  Ctl ctl{daemon.address(), dir.path()};
  WriteFile(dir.File("roster.csv"), kRoster);
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid", "--max-level", "3"}).exit_code ==
          0);
  REQUIRE(ctl({"roster", "import", dir.File("roster.csv")}).exit_code == 0);
  json made = ctl.Json(kActivate);
  std::string id = made["activation"]["id"];
  WaitForActivation(ctl, id,
                    [](const json& now) { return CountState(now, "CALLOUT_DELIVERED") == 3; });

  // The links are in the messages, which the log notifier writes out whole
  // at debug level.
  std::map<std::string, std::string> links;  // key -> accept path
  std::regex link_re("(muster-a[0-9]+-r[0-9]+)[^\\n]*?(/r/[0-9a-f]{32})/accept");
  std::string log = ReadFile(daemon.log_path());
  for (std::sregex_iterator it(log.begin(), log.end(), link_re), end; it != end; ++it) {
    links[(*it)[1]] = (*it)[2];
  }
  REQUIRE(links.size() == 3);
  auto first = links.begin();
  HttpReply page = Http(daemon.http_port(), "GET", first->second + "/accept");
  CHECK(page.status == 200);
  CHECK(page.body.find("method=\"post\"") != std::string::npos);
  json a = ctl.Json({"activation", "show", id});
  CHECK(CountState(a, "CALLOUT_ACCEPTED") == 0);  // a GET changes nothing
  HttpReply done = Http(daemon.http_port(), "POST", first->second + "/accept");
  CHECK(done.status == 200);
  CHECK(done.body.find("confirmed") != std::string::npos);
  CHECK(Http(daemon.http_port(), "POST", "/r/0123456789abcdef0123456789abcdef/accept").status ==
        404);

  // Two declines leave one accepted and none pending for two places: the
  // next best are asked in wave 2.
  int declined = 0;
  for (auto it = std::next(links.begin()); it != links.end(); ++it) {
    CHECK(Http(daemon.http_port(), "POST", it->second + "/decline").status == 200);
    ++declined;
  }
  REQUIRE(declined == 2);
  a = WaitForActivation(ctl, id, [](const json& now) {
    int wave2 = 0;
    for (const auto& c : now["candidates"]) wave2 += c["wave"] == 2;
    return wave2 >= 1;
  });
  std::set<std::string> people;
  for (const auto& c : a["candidates"]) CHECK(people.insert(c["reservist_id"]).second);
  CHECK(daemon.Stop() == 0);
}

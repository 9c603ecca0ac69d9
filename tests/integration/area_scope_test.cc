// End to end: area-scoped tokens against the real musterd. A token scoped to
// gloucestershire sees, edits and activates only gloucestershire's
// reservists; mutual aid from another area needs a token allowed to grant
// it; the scope of one call never leaks into the next on the same
// connection.
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "muster/v1/roster.grpc.pb.h"
#include "support/process.h"
#include "support/scoped_tokens.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

constexpr ScopedToken kTokens[] = {
    {"national", "national-secret", "admin", "[]", false},
    {"glos-roster", "glos-roster-secret", "roster-admin", R"(["gloucestershire"])", false},
    {"glos-planner", "glos-planner-secret", "planner", R"(["gloucestershire"])", false},
    {"glos-aid", "glos-aid-secret", "planner", R"(["gloucestershire"])", true},
    {"wilts-viewer", "wilts-viewer-secret", "viewer", R"(["wiltshire"])", false},
};

const std::vector<std::string> kSpec = {"--title",  "Tewkesbury flooding",
                                        "--at",     "51.9925,-2.158",
                                        "--radius", "30",
                                        "--start",  "now",
                                        "--hours",  "6",
                                        "--need",   "first_aid:1:4"};

// Proto JSON writes 64-bit integers as strings.
int64_t N(const json& j) {
  return j.is_string() ? std::stoll(j.get<std::string>()) : j.get<int64_t>();
}

std::set<std::string> Names(const json& activation) {
  std::set<std::string> out;
  for (const auto& c : activation["candidates"]) out.insert(c["name"].get<std::string>());
  return out;
}

// A musterd with kTokens, the skill first_aid and kTwoForumRoster imported.
struct ScopedDaemon {
  TempDir dir;
  MusterdProcess d;

  ScopedDaemon()
      : d((WriteFile(dir.File("musterd.toml"), TokensToml(kTokens)),
           WriteFile(dir.File("roster.csv"), kTwoForumRoster), MUSTERD_PATH),
          dir.File("muster.db"), dir.path().string(), {"--config", dir.File("musterd.toml")}) {
    OkJson("national-secret", {"skill", "add", "first_aid", "--name", "First aid"});
    json imported = OkJson("national-secret", {"roster", "import", dir.File("roster.csv")});
    REQUIRE(N(imported["created"]) == 6);
  }

  // musterctl --output json with a token.
  CommandResult Ctl(const char* token, std::vector<std::string> args) {
    std::vector<std::string> argv = {MUSTERCTL_PATH, "--server", d.address(), "--token",
                                     token,          "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, dir.path().string());
  }
  json OkJson(const char* token, std::vector<std::string> args) {
    CommandResult r = Ctl(token, std::move(args));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

}  // namespace

TEST_CASE("area-scoped tokens see, edit and activate only their own areas",
          "[integration][trust][areas]") {
  ScopedDaemon f;
  TempDir& dir = f.dir;
  auto ctl = [&](const char* token, std::vector<std::string> args) {
    return f.Ctl(token, std::move(args));
  };
  auto ok_json = [&](const char* token, std::vector<std::string> args) {
    return f.OkJson(token, std::move(args));
  };

  // Reading: only gloucestershire, and another area's reservist is absent.
  json listed = ok_json("glos-roster-secret", {"reservist", "list", "--all"});
  CHECK(N(listed["total"]) == 3);
  for (const auto& r : listed["reservists"]) CHECK(r["home_area"] == "gloucestershire");
  CommandResult r = ctl("glos-roster-secret", {"reservist", "get", "ext:w1"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("NOT_FOUND"));
  r = ctl("glos-roster-secret", {"reservist", "list", "--area", "wiltshire"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED") && Catch::Contains("wiltshire"));
  CHECK(N(ok_json("wilts-viewer-secret", {"reservist", "list"})["total"]) == 3);

  // Writing: not into another area, not another area's reservist.
  r = ctl("glos-roster-secret", {"reservist", "add", "--name", "New Wilts", "--area", "wiltshire",
                                 "--at", "51.99,-2.14", "--channel", "sms:+447700900099"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED") && Catch::Contains("home_area"));
  r = ctl("glos-roster-secret", {"reservist", "suspend", "ext:w2"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("NOT_FOUND"));
  CHECK(ok_json("national-secret", {"reservist", "get", "ext:w2"})["status"] == "ACTIVE");
  r = ctl("glos-roster-secret", {"reservist", "delete", "--yes", "ext:w3"});
  CHECK(r.exit_code == 1);

  // Importing: rows of another area, or taking over another area's
  // reservist by external id, are rejected with their line numbers.
  WriteFile(dir.File("mixed.csv"),
            "external_id,name,home_area,lat,lon,channels,skills\n"
            "g4,Glos Four,gloucestershire,51.99,-2.10,sms:+447700900007,first_aid:1\n"
            "w4,Wilts Four,wiltshire,51.99,-2.10,sms:+447700900008,first_aid:1\n"
            "w1,Wilts One Taken,gloucestershire,51.99,-2.10,sms:+447700900009,first_aid:1\n");
  r = ctl("glos-roster-secret", {"roster", "import", dir.File("mixed.csv")});
  INFO(r.out << r.err);
  json summary = json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(N(summary["created"]) == 1);
  CHECK(N(summary["rejected"]) == 2);
  REQUIRE(summary["errors"].size() == 2);
  CHECK(N(summary["errors"][0]["line"]) == 3);
  CHECK(summary["errors"][0]["field"] == "home_area");
  CHECK(N(summary["errors"][1]["line"]) == 4);
  CHECK(summary["errors"][1]["field"] == "external_id");
  json w1 = ok_json("national-secret", {"reservist", "get", "ext:w1"});
  CHECK(w1["name"] == "Wilts One");
  CHECK(w1["home_area"] == "wiltshire");

  // The skill catalogue is national.
  r = ctl("glos-roster-secret", {"skill", "add", "radio", "--name", "Radio"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("national"));

  // Activating: a scoped planner asks only its own area...
  std::vector<std::string> activate = {"activate"};
  activate.insert(activate.end(), kSpec.begin(), kSpec.end());
  json glos = ok_json("glos-planner-secret", activate)["activation"];
  CHECK(Names(glos) == std::set<std::string>{"Glos One", "Glos Two", "Glos Three", "Glos Four"});
  CHECK(glos["spec"]["areas"] == json::array({"gloucestershire"}));
  // ...and may not ask another area without the right to grant mutual aid.
  std::vector<std::string> mutual = activate;
  for (const char* a : {"--area", "gloucestershire", "--area", "wiltshire"}) mutual.push_back(a);
  r = ctl("glos-planner-secret", mutual);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED") && Catch::Contains("mutual_aid"));
  json aid = ok_json("glos-aid-secret", mutual)["activation"];
  // Gloucestershire's four are busy on the first activation: wiltshire helps.
  CHECK(Names(aid) == std::set<std::string>{"Wilts One", "Wilts Two", "Wilts Three"});
  CHECK(aid["spec"]["areas"] == json::array({"gloucestershire", "wiltshire"}));
  json national = ok_json("national-secret", activate)["activation"];
  CHECK(national["spec"]["areas"].empty());

  // Another area's activations read as absent.
  const std::string glos_id = std::to_string(N(glos["id"]));
  r = ctl("wilts-viewer-secret", {"activation", "show", glos_id});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("NOT_FOUND"));
  CHECK(ok_json("wilts-viewer-secret", {"activation", "list"})["activations"].empty());
  json glos_list = ok_json("glos-planner-secret", {"activation", "list"})["activations"];
  REQUIRE(glos_list.size() == 1);  // not the mutual-aid one, not the national one
  CHECK(glos_list[0]["id"] == glos["id"]);
  CHECK(ok_json("glos-aid-secret", {"activation", "list"})["activations"].size() == 2);
  CHECK(ok_json("national-secret", {"activation", "list"})["activations"].size() == 3);
  r = ctl("glos-planner-secret", {"activation", "cancel", std::to_string(N(national["id"]))});
  CHECK(r.exit_code == 1);
  CHECK(ok_json("glos-planner-secret", {"activation", "cancel", glos_id})["state"] == "CANCELLED");
}

TEST_CASE("one connection, several tokens: each call has its own caller",
          "[integration][trust][areas]") {
  ScopedDaemon f;
  MusterdProcess& d = f.d;
  auto channel = grpc::CreateChannel(d.address(), grpc::InsecureChannelCredentials());
  auto stub = muster::v1::RosterService::NewStub(channel);
  auto total = [&](const char* token) -> int64_t {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", std::string("Bearer ") + token);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    muster::v1::ListReservistsRequest req;
    muster::v1::ListReservistsResponse resp;
    grpc::Status st = stub->ListReservists(&ctx, req, &resp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    return resp.total();
  };
  auto suspend = [&](const char* token, const char* external_id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", std::string("Bearer ") + token);
    ctx.AddMetadata("x-request-id", fmt::format("suspend-{}", external_id));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    muster::v1::SetReservistStatusRequest req;
    req.mutable_ref()->set_external_id(external_id);
    muster::v1::Reservist resp;
    return stub->SuspendReservist(&ctx, req, &resp).error_code();
  };
  for (int round = 0; round < 3; ++round) {
    CHECK(total("national-secret") == 6);
    CHECK(total("glos-roster-secret") == 3);
    CHECK(total("wilts-viewer-secret") == 3);
  }
  // Audited writes on the same connection name their own actors.
  CHECK(suspend("glos-roster-secret", "g1") == grpc::StatusCode::OK);
  CHECK(suspend("glos-roster-secret", "w1") == grpc::StatusCode::NOT_FOUND);
  CHECK(suspend("national-secret", "w1") == grpc::StatusCode::OK);
  // The daemon's log names each call with its request id, never personal data.
  const std::string log = ReadFile(d.log_path());
  CHECK_THAT(log, Catch::Contains("[req suspend-g1] RosterService/SuspendReservist by "
                                  "glos-roster: OK ref.external_id=g1"));
  CHECK_THAT(log, Catch::Contains("[req suspend-w1] RosterService/SuspendReservist by "
                                  "national: OK ref.external_id=w1"));
  CHECK_THAT(log, !Catch::Contains("+447700900"));
  CommandResult audit =
      f.Ctl("national-secret", {"audit", "--action", "RosterService/SuspendReservist"});
  INFO(audit.out << audit.err);
  REQUIRE(audit.exit_code == 0);
  std::vector<std::pair<std::string, std::string>> seen;
  const json records = json::parse(audit.out)["records"];
  for (const auto& rec : records) {
    seen.emplace_back(rec["actor"].get<std::string>(), rec["outcome"].get<std::string>());
  }
  std::sort(seen.begin(), seen.end());
  // Each write is on record before it runs (STARTED), then with its outcome.
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"glos-roster", "NOT_FOUND"},
                                                                 {"glos-roster", "OK"},
                                                                 {"glos-roster", "STARTED"},
                                                                 {"glos-roster", "STARTED"},
                                                                 {"national", "OK"},
                                                                 {"national", "STARTED"}});
}

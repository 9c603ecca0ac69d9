// End to end, against the real musterd: Explain answers an area-scoped token
// only about reservists of its own areas (or those asked on the
// activation); a mutual-aid planner keeps the activation it raised for
// another area; a start far in the future is refused at once and the daemon
// keeps serving.
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "muster/v1/activation.grpc.pb.h"
#include "muster/v1/audit.grpc.pb.h"
#include "support/process.h"
#include "support/scoped_tokens.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

constexpr ScopedToken kTokens[] = {
    {"national", "national-secret", "admin", "[]", false},
    {"glos-planner", "glos-planner-secret", "planner", R"(["gloucestershire"])", false},
    {"glos-aid", "glos-aid-secret", "planner", R"(["gloucestershire"])", true},
    {"wilts-viewer", "wilts-viewer-secret", "viewer", R"(["wiltshire"])", false},
    {"wilts-planner", "wilts-planner-secret", "planner", R"(["wiltshire"])", false},
};

std::vector<std::string> Activate(std::vector<std::string> areas, std::string start = "now") {
  std::vector<std::string> args = {"activate",
                                   "--title",
                                   "Tewkesbury flooding",
                                   "--at",
                                   "51.9925,-2.158",
                                   "--radius",
                                   "30",
                                   "--start",
                                   start,
                                   "--hours",
                                   "6",
                                   "--need",
                                   "first_aid:1:1"};
  for (const std::string& a : areas) {
    args.push_back("--area");
    args.push_back(a);
  }
  return args;
}

// Proto JSON writes 64-bit integers as strings.
int64_t N(const json& j) {
  return j.is_string() ? std::stoll(j.get<std::string>()) : j.get<int64_t>();
}

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
  std::string IdOf(const char* external_id) {
    return std::to_string(N(
        OkJson("national-secret", {"reservist", "get", fmt::format("ext:{}", external_id)})["id"]));
  }
};

}  // namespace

TEST_CASE("explain tells an area-scoped token nothing about another area's reservists",
          "[integration][trust][areas]") {
  ScopedDaemon f;
  // Both areas, one first aider: g1 and w1 are asked.
  json both = f.OkJson("glos-aid-secret", Activate({"gloucestershire", "wiltshire"}))["activation"];
  const std::string id = std::to_string(N(both["id"]));

  // w3 lives in wiltshire and was not asked: absent, word for word like
  // someone who does not exist.
  CommandResult hidden = f.Ctl("glos-aid-secret", {"explain", id, f.IdOf("w3")});
  CHECK(hidden.exit_code == 1);
  CHECK_THAT(hidden.err, Catch::Contains("NOT_FOUND") &&
                             Catch::Contains(fmt::format("reservist {} is not", f.IdOf("w3"))));
  CHECK_THAT(hidden.out + hidden.err, !Catch::Contains("km"));
  CommandResult missing = f.Ctl("glos-aid-secret", {"explain", id, "999999"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("NOT_FOUND"));

  // Their own area's people, and someone asked on the activation, are explained.
  json g3 = f.OkJson("glos-aid-secret", {"explain", id, f.IdOf("g3")});
  CHECK_THAT(g3["reason"].get<std::string>(), Catch::Contains("eligible but ranked 5th"));
  json w1 = f.OkJson("glos-aid-secret", {"explain", id, f.IdOf("w1")});
  CHECK(w1["selected"] == true);
  // The unscoped token sees everyone.
  json w3 = f.OkJson("national-secret", {"explain", id, f.IdOf("w3")});
  CHECK_THAT(w3["reason"].get<std::string>(), Catch::Contains("eligible but ranked 6th"));
}

TEST_CASE("a mutual-aid planner keeps the activation it raised for another area only",
          "[integration][trust][areas]") {
  ScopedDaemon f;
  json aid = f.OkJson("glos-aid-secret", Activate({"wiltshire"}))["activation"];
  CHECK(aid["spec"]["areas"] == json::array({"wiltshire"}));
  const std::string id = std::to_string(N(aid["id"]));

  CHECK(N(f.OkJson("glos-aid-secret", {"activation", "show", id})["id"]) == N(aid["id"]));
  CHECK(f.OkJson("glos-aid-secret", {"activation", "list"})["activations"].size() == 1);
  // w1 and w2 were asked: the creator may ask about them, not about w3,
  // whom wiltshire's own token may.
  CHECK(f.OkJson("glos-aid-secret", {"explain", id, f.IdOf("w2")})["selected"] == true);
  CommandResult w3 = f.Ctl("glos-aid-secret", {"explain", id, f.IdOf("w3")});
  CHECK(w3.exit_code == 1);
  CHECK_THAT(w3.err, Catch::Contains("NOT_FOUND"));
  json why = f.OkJson("wilts-viewer-secret", {"explain", id, f.IdOf("w3")});
  CHECK(why["reason"] == "eligible but ranked 3rd for first_aid; 2 were asked");
  // The area asked sees it too; a gloucestershire token without mutual aid
  // does not (it would see wiltshire's people).
  CHECK(N(f.OkJson("wilts-viewer-secret", {"activation", "show", id})["id"]) == N(aid["id"]));
  CommandResult other = f.Ctl("glos-planner-secret", {"activation", "show", id});
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err, Catch::Contains("NOT_FOUND"));

  CHECK(f.OkJson("glos-aid-secret", {"activation", "cancel", id})["state"] == "CANCELLED");
}

TEST_CASE("another area's idempotency key gives away neither its activation nor its id",
          "[integration][trust][areas]") {
  ScopedDaemon f;
  std::vector<std::string> wilts = Activate({"wiltshire"}, "2030-01-01T10:00:00Z");
  wilts.insert(wilts.end(), {"--key", "flood-1"});
  json theirs = f.OkJson("wilts-planner-secret", wilts)["activation"];
  const std::string id = std::to_string(N(theirs["id"]));
  // The same request from a gloucestershire mutual-aid token (same spec,
  // same key) used to return wiltshire's activation with its call-outs.
  CommandResult same = f.Ctl("glos-aid-secret", wilts);
  CHECK(same.exit_code != 0);
  CHECK_THAT(same.err, Catch::Contains("ALREADY_EXISTS") && Catch::Contains("flood-1"));
  CHECK_THAT(same.out + same.err, !Catch::Contains("Wilts"));
  // Another spec with that key: refused without naming the activation.
  std::vector<std::string> glos = Activate({}, "2030-01-01T10:00:00Z");
  glos.insert(glos.end(), {"--key", "flood-1"});
  CommandResult other = f.Ctl("glos-planner-secret", glos);
  CHECK_THAT(other.err, Catch::Contains("ALREADY_EXISTS") && !Catch::Contains("(" + id + ")"));
  // Its own retry still gets its own activation back.
  CHECK(N(f.OkJson("wilts-planner-secret", wilts)["activation"]["id"]) == N(theirs["id"]));
}

TEST_CASE("a start far in the future is refused at once and the daemon keeps serving",
          "[integration][trust]") {
  ScopedDaemon f;
  auto channel = grpc::CreateChannel(f.d.address(), grpc::InsecureChannelCredentials());
  auto stub = muster::v1::ActivationService::NewStub(channel);
  muster::v1::ActivationSpec spec;
  spec.set_title("far future");
  spec.set_lat(51.9925);
  spec.set_lon(-2.158);
  spec.set_radius_km(30);
  spec.set_duration_minutes(60);
  auto* need = spec.add_requirements();
  need->set_skill("first_aid");
  need->set_count(1);
  for (int64_t start : {INT64_C(1'000'000'000'000'000), INT64_MAX, INT64_C(253402300800)}) {
    spec.mutable_start()->set_seconds(start);
    INFO("start " << start);
    auto ctx = [] {
      auto c = std::make_unique<grpc::ClientContext>();
      c->AddMetadata("authorization", "Bearer national-secret");
      c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      return c;
    };
    muster::v1::PreviewActivationRequest preview_req;
    *preview_req.mutable_spec() = spec;
    muster::v1::PreviewActivationResponse preview_resp;
    const grpc::Status preview = stub->PreviewActivation(ctx().get(), preview_req, &preview_resp);
    CHECK(preview.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(preview.error_message(),
               Catch::Contains("spec.start") && Catch::Contains("9999-12-31T23:59:59Z"));
    muster::v1::CreateActivationRequest create_req;
    *create_req.mutable_spec() = spec;
    muster::v1::CreateActivationResponse create_resp;
    const grpc::Status create = stub->CreateActivation(ctx().get(), create_req, &create_resp);
    CHECK(create.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  // The audit log's "since" is bounded the same way.
  auto audit = muster::v1::AuditService::NewStub(channel);
  for (int64_t since : {INT64_C(1'000'000'000'000'000), INT64_C(-1)}) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer national-secret");
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    muster::v1::ListAuditRequest req;
    req.mutable_since()->set_seconds(since);
    muster::v1::ListAuditResponse resp;
    const grpc::Status st = audit->ListAudit(&ctx, req, &resp);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(st.error_message(), Catch::Contains("since"));
  }
  // Nothing is wedged: a normal activation goes through.
  json ok = f.OkJson("national-secret", Activate({}))["activation"];
  CHECK(ok["candidates"].size() == 2);
}

TEST_CASE("readiness: per area and skill, scoped like an activation, through musterctl",
          "[integration][readiness][areas]") {
  ScopedDaemon f;
  auto cells = [](const json& r) {
    std::map<std::string, int64_t> out;  // area -> holders of first_aid
    for (const auto& c : r["cells"]) {
      REQUIRE(c["skill"] == "first_aid");
      out[c["area"]] = N(c.value("holders", json("0")));
      // Nobody has weekly windows or dated unavailability: all available.
      CHECK(N(c.value("available", json("0"))) == N(c.value("holders", json("0"))));
    }
    return out;
  };
  CHECK(cells(f.OkJson("national-secret", {"readiness"})) ==
        std::map<std::string, int64_t>{{"gloucestershire", 3}, {"wiltshire", 3}});
  // A scoped token sees its own area; another only with mutual aid.
  CHECK(cells(f.OkJson("glos-planner-secret", {"readiness"})) ==
        std::map<std::string, int64_t>{{"gloucestershire", 3}});
  CHECK(cells(f.OkJson("wilts-viewer-secret",
                       {"readiness", "--start", "2030-01-05T20:00Z", "--duration", "12h"})) ==
        std::map<std::string, int64_t>{{"wiltshire", 3}});
  CommandResult denied = f.Ctl("glos-planner-secret", {"readiness", "--area", "wiltshire"});
  CHECK(denied.exit_code != 0);
  CHECK_THAT(denied.err, Catch::Contains("PERMISSION_DENIED"));
  // Another area's small counts (3 holders) are suppressed, its head-count
  // is not given.
  json aid = f.OkJson("glos-aid-secret", {"readiness", "--area", "wiltshire"});
  CHECK(cells(aid) == std::map<std::string, int64_t>{{"wiltshire", 0}});
  REQUIRE(aid["cells"].size() == 1);
  CHECK(aid["cells"][0].value("suppressed", false));
  CHECK(N(aid["reservists_scanned"]) == 0);
  json own = f.OkJson("glos-aid-secret", {"readiness", "--area", "gloucestershire"});
  CHECK(cells(own) == std::map<std::string, int64_t>{{"gloucestershire", 3}});
  CHECK_FALSE(own["cells"][0].value("suppressed", false));
  CHECK(N(own["reservists_scanned"]) == 3);
  // A window that has ended is refused (certificates count as of today).
  CommandResult past =
      f.Ctl("national-secret", {"readiness", "--start", "2020-01-01T00:00Z", "--duration", "1h"});
  CHECK(past.exit_code != 0);
  CHECK_THAT(past.err, Catch::Contains("start") && Catch::Contains("readiness looks ahead"));
  // A bad skill or window is named.
  CommandResult unknown = f.Ctl("national-secret", {"readiness", "--skill", "juggling"});
  CHECK(unknown.exit_code != 0);
  CHECK_THAT(unknown.err,
             Catch::Contains("INVALID_ARGUMENT") && Catch::Contains("skills[0]: unknown skill"));
  CommandResult long_window = f.Ctl("national-secret", {"readiness", "--duration", "900h"});
  CHECK(long_window.exit_code != 0);
  CHECK_THAT(long_window.err, Catch::Contains("duration_minutes"));
  // The table for people.
  std::vector<std::string> argv = {MUSTERCTL_PATH, "--server",        f.d.address(),
                                   "--token",      "national-secret", "readiness"};
  CommandResult table = Run(argv, f.dir.path().string());
  INFO(table.out << table.err);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("AREA") && Catch::Contains("EXPIRING 30D") &&
                            Catch::Contains("wiltshire") && Catch::Contains("first_aid"));
}

// The JSON API is the gRPC API: every unary method of muster's services is
// reachable as POST /muster.v1.<Service>/<Method> on the real musterd's
// HTTP endpoint, and answers with the same codes and messages as the same
// call over gRPC (authentication, roles, area scope, validation); writes
// made over JSON are audited with the token's actor; watches stream as
// Server-Sent Events.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>

#include "muster/v1/activation.pb.h"
#include "muster/v1/admin.pb.h"
#include "muster/v1/audit.pb.h"
#include "muster/v1/roster.pb.h"
#include "support/json_http.h"
#include "support/process.h"
#include "support/scoped_tokens.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;
namespace pb = google::protobuf;

namespace {

constexpr ScopedToken kTokens[] = {
    {"national", "national-secret", "admin", "[]", false},
    {"glos-planner", "glos-planner-secret", "planner", R"(["gloucestershire"])", false},
    {"wilts-viewer", "wilts-viewer-secret", "viewer", R"(["wiltshire"])", false},
};

constexpr const char* kServices[] = {"muster.v1.RosterService", "muster.v1.ActivationService",
                                     "muster.v1.AdminService", "muster.v1.AuditService"};

Headers Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

int64_t N(const json& j) {
  return j.is_string() ? std::stoll(j.get<std::string>()) : j.get<int64_t>();
}

// The code (Connect's lower-case name) and message of a call over gRPC,
// the request given as JSON.
std::pair<std::string, std::string> GrpcCall(const std::string& address, const std::string& path,
                                             const std::string& request_json,
                                             const std::string& token) {
  const pb::MethodDescriptor* method = nullptr;
  {
    std::string p = path.substr(1);
    auto slash = p.find('/');
    auto* service = pb::DescriptorPool::generated_pool()->FindServiceByName(p.substr(0, slash));
    REQUIRE(service != nullptr);
    method = service->FindMethodByName(p.substr(slash + 1));
    REQUIRE(method != nullptr);
  }
  std::unique_ptr<pb::Message> request(
      pb::MessageFactory::generated_factory()->GetPrototype(method->input_type())->New());
  REQUIRE(pb::util::JsonStringToMessage(request_json, request.get()).ok());
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1), out;
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, path, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  std::string code = status.ok() ? "ok" : "";
  if (!status.ok()) {
    static const char* kNames[] = {"ok",
                                   "canceled",
                                   "unknown",
                                   "invalid_argument",
                                   "deadline_exceeded",
                                   "not_found",
                                   "already_exists",
                                   "permission_denied",
                                   "resource_exhausted",
                                   "failed_precondition",
                                   "aborted",
                                   "out_of_range",
                                   "unimplemented",
                                   "internal",
                                   "unavailable",
                                   "data_loss",
                                   "unauthenticated"};
    code = kNames[status.error_code()];
  }
  return {code, status.error_message()};
}

// The code and message of a JSON API reply ("ok" for a 200).
std::pair<std::string, std::string> JsonCode(const HttpResult& r) {
  if (r.status == 200) return {"ok", ""};
  json body = json::parse(r.body);
  return {body.value("code", "?"), body.value("message", "?")};
}

struct ConsoleDaemon {
  TempDir dir;
  MusterdProcess d;

  explicit ConsoleDaemon(const std::string& extra_toml = "")
      : d((WriteFile(dir.File("musterd.toml"), TokensToml(kTokens) + extra_toml),
           WriteFile(dir.File("roster.csv"), kTwoForumRoster), MUSTERD_PATH),
          dir.File("muster.db"), dir.path().string(), {"--config", dir.File("musterd.toml")}) {
    REQUIRE(d.http_port() > 0);
  }
  int port() const { return d.http_port(); }
  HttpResult Call(const std::string& method, const std::string& body, const std::string& token) {
    return PostJson(port(), "/muster.v1." + method, body,
                    token.empty() ? Headers{} : Bearer(token));
  }
  json Ok(const std::string& method, const std::string& body, const std::string& token) {
    HttpResult r = Call(method, body, token);
    INFO(method << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  }
  // The skill first_aid and the two-forum roster.
  void SeedRoster() {
    Ok("RosterService/UpsertSkill", R"({"skill":{"code":"first_aid","name":"First aid"}})",
       "national-secret");
    CommandResult r = Run({MUSTERCTL_PATH, "--server", d.address(), "--token", "national-secret",
                           "roster", "import", dir.File("roster.csv")},
                          dir.path().string());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  int64_t ReservistId(const std::string& external_id) {
    json page = Ok("RosterService/ListReservists", R"({"pageSize":100})", "national-secret");
    for (const auto& r : page["reservists"]) {
      if (r.value("externalId", "") == external_id) return N(r["id"]);
    }
    FAIL("no reservist " << external_id);
    return 0;
  }
  json Audit(const std::string& action) {
    return Ok("AuditService/ListAudit", json{{"action", action}, {"pageSize", 1000}}.dump(),
              "national-secret");
  }
};

}  // namespace

TEST_CASE(
    "every unary method answers over JSON as it does over gRPC, and streaming ones are refused",
    "[integration][console]") {
  // Each .pb.h file's descriptors are in the pool once it is linked in.
  (void)muster::v1::Activation::descriptor();
  (void)muster::v1::Reservist::descriptor();
  (void)muster::v1::AuditRecord::descriptor();
  (void)muster::v1::BackupRequest::descriptor();
  ConsoleDaemon daemon;
  int unary = 0;
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    REQUIRE(service != nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* m = service->method(i);
      std::string path = "/" + std::string(m->full_name());
      path[path.rfind('.')] = '/';
      HttpResult r = PostJson(daemon.port(), path, "{}", Bearer("national-secret"));
      INFO(path << " -> " << r.status << " " << r.body);
      if (m->client_streaming() || m->server_streaming()) {
        CHECK(r.status == 501);
        CHECK(JsonCode(r).first == "unimplemented");
        CHECK_THAT(JsonCode(r).second, Catch::Contains("streaming method"));
        continue;
      }
      ++unary;
      // The empty request gets the same answer as over gRPC: the handler
      // (or its validation) ran, not something of the gateway's own.
      auto [code, message] = JsonCode(r);
      auto grpc_answer = GrpcCall(daemon.d.address(), path, "{}", "national-secret");
      CHECK(code == grpc_answer.first);
      CHECK(message == grpc_answer.second);
      CHECK(code != "unimplemented");
      CHECK_THAT(message, !Catch::Contains("no method"));
    }
  }
  CHECK(unary >= 15);
  // Not a method: 404, as for any unknown path.
  HttpResult r = PostJson(daemon.port(), "/muster.v1.RosterService/NoSuchMethod", "{}",
                          Bearer("national-secret"));
  CHECK(r.status == 404);
  CHECK_THAT(r.body, Catch::Contains("no method"));
  r = PostJson(daemon.port(), "/muster.v1.NoService/Get", "{}", Bearer("national-secret"));
  CHECK(r.status == 404);
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("JSON API refusals are the gRPC refusals: no token, wrong role, other area",
          "[integration][console]") {
  ConsoleDaemon daemon;
  daemon.SeedRoster();
  const std::string upsert = "/muster.v1.RosterService/UpsertSkill";
  const std::string skill = R"({"skill":{"code":"rope","name":"Rope rescue"}})";
  struct Case {
    const char* what;
    std::string path, body, token, code;
  };
  int64_t w1 = daemon.ReservistId("w1");
  int64_t g1 = daemon.ReservistId("g1");
  std::vector<Case> cases = {
      {"no token", upsert, skill, "", "unauthenticated"},
      {"unknown token", upsert, skill, "nobody", "unauthenticated"},
      {"viewer writing", upsert, skill, "wilts-viewer-secret", "permission_denied"},
      {"planner writing the roster", upsert, skill, "glos-planner-secret", "permission_denied"},
      {"a reservist outside the token's areas", "/muster.v1.RosterService/GetReservist",
       json{{"ref", {{"id", std::to_string(w1)}}}}.dump(), "glos-planner-secret", ""},
      {"a reservist inside them", "/muster.v1.RosterService/GetReservist",
       json{{"ref", {{"id", std::to_string(g1)}}}}.dump(), "glos-planner-secret", "ok"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    HttpResult r =
        PostJson(daemon.port(), c.path, c.body, c.token.empty() ? Headers{} : Bearer(c.token));
    auto [code, message] = JsonCode(r);
    auto grpc_answer = GrpcCall(daemon.d.address(), c.path, c.body, c.token);
    CHECK(code == grpc_answer.first);
    CHECK(message == grpc_answer.second);
    if (!c.code.empty()) CHECK(code == c.code);
    if (code == "unauthenticated") CHECK(r.status == 401);
    if (code == "permission_denied") CHECK(r.status == 403);
  }
  // The out-of-area read is refused, whatever the code says.
  HttpResult outside =
      daemon.Call("RosterService/GetReservist", json{{"ref", {{"id", std::to_string(w1)}}}}.dump(),
                  "glos-planner-secret");
  CHECK(outside.status != 200);
  CHECK_THAT(outside.body, !Catch::Contains("Wilts One"));
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("malformed JSON API requests name the problem", "[integration][console]") {
  ConsoleDaemon daemon;
  const std::string path = "/muster.v1.RosterService/UpsertSkill";
  HttpResult r = PostJson(daemon.port(), path, "{not json", Bearer("national-secret"));
  CHECK(r.status == 400);
  json body = json::parse(r.body);
  CHECK(body["code"] == "invalid_argument");
  CHECK_THAT(body["message"].get<std::string>(),
             Catch::Contains("muster.v1.UpsertSkillRequest") && Catch::Contains("JSON"));
  r = PostJson(daemon.port(), path, R"({"skil":{"code":"rope"}})", Bearer("national-secret"));
  CHECK(r.status == 400);
  CHECK_THAT(json::parse(r.body)["message"].get<std::string>(), Catch::Contains("skil"));
  r = PostJson(daemon.port(), path, R"({"skill":{"code":"rope","minLevel":"high"}})",
               Bearer("national-secret"));
  CHECK(r.status == 400);
  CHECK_THAT(json::parse(r.body)["message"].get<std::string>(), Catch::Contains("min_level"));
  // Validation is the handler's, word for word.
  r = PostJson(daemon.port(), path, R"({"skill":{"code":"Bad Code","name":"x"}})",
               Bearer("national-secret"));
  CHECK(r.status == 400);
  CHECK(JsonCode(r).second == GrpcCall(daemon.d.address(), path,
                                       R"({"skill":{"code":"Bad Code","name":"x"}})",
                                       "national-secret")
                                  .second);
  // Not JSON at all.
  r = HttpRequest(daemon.port(), "POST", path, "code=rope",
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Authorization", "Bearer national-secret"}});
  CHECK(r.status == 415);
  CHECK_THAT(r.body, Catch::Contains("application/json"));
  // Larger than the HTTP endpoint takes.
  r = PostJson(daemon.port(), path, std::string(200 * 1024, ' '), Bearer("national-secret"));
  CHECK(r.status == 413);
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("a write over JSON is audited once, before and after, with the token's actor",
          "[integration][console]") {
  ConsoleDaemon daemon;
  HttpResult r =
      PostJson(daemon.port(), "/muster.v1.RosterService/UpsertSkill",
               R"({"skill":{"code":"rope","name":"Rope rescue"}})", Bearer("national-secret"));
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body)["code"] == "rope");
  std::string request_id = r.Header("x-request-id");
  CHECK(request_id.size() == 32);
  json audit = daemon.Audit("RosterService/UpsertSkill");
  int started = 0, ok = 0;
  for (const auto& rec : audit["records"]) {
    if (rec.value("requestId", "") != request_id) continue;
    CHECK(rec["actor"] == "national");
    started += rec["outcome"] == "STARTED";
    ok += rec["outcome"] == "OK";
  }
  CHECK(started == 1);  // admitted once: not by the gateway and again by the server
  CHECK(ok == 1);
  // A refused one is audited as over gRPC.
  r = PostJson(daemon.port(), "/muster.v1.RosterService/UpsertSkill",
               R"({"skill":{"code":"rope2","name":"Rope"}})", Bearer("wilts-viewer-secret"));
  CHECK(r.status == 403);
  audit = daemon.Audit("RosterService/UpsertSkill");
  bool refused = false;
  for (const auto& rec : audit["records"]) {
    refused |= rec["actor"] == "wilts-viewer" && rec["outcome"] == "PERMISSION_DENIED";
  }
  CHECK(refused);
  CHECK(daemon.d.Stop() == 0);
}

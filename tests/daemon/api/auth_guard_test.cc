// AuthGuard on a real in-process gRPC server over plaintext loopback: the
// processor must run on insecure credentials too, refuse with the right
// codes, and the interceptor must record audited calls with request ids.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <sstream>

#include "api/admin_service.h"
#include "api/audit_service.h"
#include "api/auth_guard.h"
#include "auth/tokens.h"
#include "metrics/metrics.h"
#include "muster/v1/admin.grpc.pb.h"
#include "server/logging.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

TokenConfig Token(std::string name, std::string token, std::string role) {
  TokenConfig t;
  t.name = std::move(name);
  t.sha256 = Sha256Hex(token);
  t.role = std::move(role);
  return t;
}

struct Fixture {
  explicit Fixture(std::vector<TokenConfig> tokens)
      : tokens_(tokens),
        log_(Open()),
        guard_(tokens_, log_.get()),
        audit_(*log_),
        admin_(dir_.File("muster.db")) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", guard_.MakeCredentials({}), &port_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
    f.push_back(guard_.MakeInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(f));
    builder.RegisterService(&audit_);
    builder.RegisterService(&admin_);
    server_ = builder.BuildAndStart();
    REQUIRE(server_);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
  }
  ~Fixture() { server_->Shutdown(); }

  std::unique_ptr<AuditLog> Open() {
    auto log = AuditLog::Open(dir_.File("muster.db"));
    REQUIRE(log.ok());
    return std::move(log).value();
  }

  grpc::Status Verify(const std::string& token, std::string* request_id = nullptr) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::VerifyAuditResponse resp;
    grpc::Status st = v1::AuditService::NewStub(channel_)->VerifyAudit(&ctx, {}, &resp);
    if (request_id) {
      auto it = ctx.GetServerTrailingMetadata().find("x-request-id");
      *request_id = it == ctx.GetServerTrailingMetadata().end()
                        ? ""
                        : std::string(it->second.data(), it->second.size());
    }
    return st;
  }

  grpc::Status Backup(const std::string& token, const std::string& request_id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.AddMetadata("x-request-id", request_id);
    auto reader = v1::AdminService::NewStub(channel_)->Backup(&ctx, {});
    v1::BackupChunk chunk;
    while (reader->Read(&chunk)) {
    }
    return reader->Finish();
  }

  testing::TempDir dir_;
  auth::TokenAuthenticator tokens_;
  std::unique_ptr<AuditLog> log_;
  api::AuthGuard guard_;
  api::AuditServiceImpl audit_;
  api::AdminServiceImpl admin_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace

namespace {

// An audit sink whose appends fail (a full or broken disk).
class FailingSink final : public AuditSink {
 public:
  Result<AuditEntry> Append(AuditEntry) override {
    ++attempts;
    return Status::Internal("disk I/O error");
  }
  std::atomic<int> attempts{0};
};

grpc::Status CallGeneric(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                         const std::vector<std::string>& tokens) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  for (const auto& t : tokens) ctx.AddMetadata("authorization", "Bearer " + t);
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status st) {
    std::lock_guard lock(mu);
    status = std::move(st);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return status;
}

// Captures what the default logger writes while it lives.
struct CapturedLog {
  CapturedLog() : previous(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    sink->set_formatter(logging::MakeLogFormatter("text"));
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous); }
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous;
};

}  // namespace

TEST_CASE("auth guard refuses on plaintext: no token, unknown token, wrong role") {
  Fixture fx({Token("ops-viewer", "v", "viewer"), Token("ops-admin", "a", "admin")});
  grpc::Status st = fx.Verify("");
  CHECK(st.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(st.error_message(), Catch::Contains("no bearer token"));
  st = fx.Verify("wrong");
  CHECK(st.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  st = fx.Verify("v");
  CHECK(st.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK_THAT(st.error_message(), Catch::Contains("VerifyAudit needs role admin"));
  std::string request_id;
  st = fx.Verify("a", &request_id);
  CHECK(st.ok());
  CHECK(request_id.size() == 32);

  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);  // the refusals; audit reads are not recorded
  CHECK((*rows)[0].actor == "anonymous");
  CHECK((*rows)[0].outcome == "UNAUTHENTICATED");
  CHECK((*rows)[0].action == "AuditService/VerifyAudit");
  CHECK((*rows)[1].actor == "unknown-token");
  CHECK((*rows)[2].actor == "ops-viewer");
  CHECK((*rows)[2].outcome == "PERMISSION_DENIED");
}

TEST_CASE("auth guard records an audited call with its actor, outcome and request id") {
  Fixture fx({Token("ops-admin", "a", "admin")});
  REQUIRE(fx.Backup("a", "req-42").ok());
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].actor == "ops-admin");
  CHECK((*rows)[0].action == "AdminService/Backup");
  CHECK((*rows)[0].outcome == "OK");
  CHECK((*rows)[0].request_id == "req-42");
  CHECK(fx.log_->Verify()->ok);
}

TEST_CASE("auth guard writes no audit rows for the health check") {
  Fixture fx({Token("ops-admin", "a", "admin")});
  // Not served by the fixture (UNIMPLEMENTED), but the guard sees it first.
  CHECK(CallGeneric(fx.channel_, "/grpc.health.v1.Health/Check", {}).error_code() ==
        grpc::StatusCode::UNIMPLEMENTED);
  CHECK(CallGeneric(fx.channel_, "/grpc.health.v1.Health/Check", {"a"}).error_code() ==
        grpc::StatusCode::UNIMPLEMENTED);
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  CHECK(rows->empty());
}

TEST_CASE("auth guard with no tokens lets every call through as local") {
  Fixture fx({});
  CHECK(fx.Verify("").ok());
  REQUIRE(fx.Backup("anything", "r1").ok());
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].actor == "local");
}

TEST_CASE("auth guard refuses two authorization values even when the last would pass") {
  Fixture fx({Token("ops-viewer", "v", "viewer"), Token("ops-admin", "a", "admin")});
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer v");
  ctx.AddMetadata("authorization", "Bearer a");
  v1::VerifyAuditResponse resp;
  grpc::Status st = v1::AuditService::NewStub(fx.channel_)->VerifyAudit(&ctx, {}, &resp);
  CHECK(st.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK_THAT(st.error_message(), Catch::Contains("more than one authorization value"));
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].actor == "anonymous");
}

TEST_CASE("an audited write is refused UNAVAILABLE when its audit record cannot be written") {
  Fixture fx({Token("ops-admin", "a", "admin")});
  // Unknown muster methods need admin and are audited as writes: the guard
  // must refuse before the server looks for a handler (which would say
  // UNIMPLEMENTED).
  const std::string method = "/muster.v1.RosterService/NoSuchWrite";
  CHECK(CallGeneric(fx.channel_, method, {"a"}).error_code() == grpc::StatusCode::UNIMPLEMENTED);
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE_FALSE(rows->empty());
  CHECK(rows->front().outcome == "STARTED");
  CHECK(rows->front().actor == "ops-admin");

  FailingSink failing;
  api::AuthGuard guard(fx.tokens_, &failing);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", guard.MakeCredentials({}), &port);
  auto server = builder.BuildAndStart();
  REQUIRE(server);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  grpc::Status st = CallGeneric(channel, method, {"a"});
  CHECK(st.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_THAT(st.error_message(), Catch::Contains("audit log cannot be written"));
  CHECK(failing.attempts == 1);
  server->Shutdown();
}

TEST_CASE("refused calls are counted and only a few a minute reach the audit log and the log") {
  metrics::Registry registry;
  testing::TempDir dir;
  auto log = AuditLog::Open(dir.File("muster.db"));
  REQUIRE(log.ok());
  auth::TokenAuthenticator tokens({Token("ops-admin", "a", "admin")});
  api::AuthGuard guard(tokens, log->get(), &registry);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", guard.MakeCredentials({}), &port);
  auto server = builder.BuildAndStart();
  REQUIRE(server);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  CapturedLog captured;
  // A long path with a line break: an attempt to forge a log line and to
  // grow the audit log with the caller's own text.
  const std::string forged =
      "/x\n[2026-12-07 10:00:00.000] [musterd] [info] forged " + std::string(3000, 'z') + "/M";
  const int calls = 3 * api::kRefusedRowsPerMinute;
  for (int i = 0; i < calls; ++i) {
    CHECK(CallGeneric(channel, forged, {}).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
  server->Shutdown();
  CHECK_THAT(registry.RenderText(),
             Catch::Contains("muster_grpc_refused_total{reason=\"unauthenticated\"} " +
                             std::to_string(calls)));
  auto rows = (*log)->List({});
  REQUIRE(rows.ok());
  CHECK(rows->size() == static_cast<size_t>(api::kRefusedRowsPerMinute));
  for (const AuditEntry& e : *rows) {
    CHECK(e.action.size() + e.actor.size() + e.target.size() < 400);
    CHECK(e.action.find('\n') == std::string::npos);
  }
  std::string text = captured.out.str();
  std::istringstream lines(text);
  int refused_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    INFO(line.substr(0, 200));
    // The forged text stays inside the refusal's line, escaped.
    CHECK_FALSE(line.starts_with("[2026-12-07 10:00:00.000]"));
    if (line.find("forged") != std::string::npos) {
      CHECK_THAT(line, Catch::Contains("refused /unknown-method:/x\\n[2026-12-07 10:00"));
    }
    CHECK(line.size() < 1000);
    if (line.find("refused") != std::string::npos) ++refused_lines;
  }
  CHECK(refused_lines == api::kRefusedRowsPerMinute);
}

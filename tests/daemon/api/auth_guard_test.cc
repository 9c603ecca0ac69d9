// AuthGuard on a real in-process gRPC server over plaintext loopback: the
// processor must run on insecure credentials too, refuse with the right
// codes, and the interceptor must record audited calls with request ids.
#include <grpcpp/grpcpp.h>
#include <catch2/catch.hpp>

#include "api/admin_service.h"
#include "api/audit_service.h"
#include "api/auth_guard.h"
#include "auth/tokens.h"
#include "muster/v1/admin.grpc.pb.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

TokenConfig Token(std::string name, std::string token, std::string role) {
  TokenConfig t;
  t.name = std::move(name);
  t.sha256 = auth::Sha256Hex(token);
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

TEST_CASE("auth guard with no tokens lets every call through as local") {
  Fixture fx({});
  CHECK(fx.Verify("").ok());
  REQUIRE(fx.Backup("anything", "r1").ok());
  auto rows = fx.log_->List({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].actor == "local");
}

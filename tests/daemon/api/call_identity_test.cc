// One identity per call, audited reads and bounded errors, over a real
// in-process Daemon with bearer tokens (plaintext loopback, temporary
// database): the role check, the area scope and the audit actor must all
// come from the same single token; reads of contact details are on record.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "auth/tokens.h"
#include "muster/v1/audit.grpc.pb.h"
#include "muster/v1/roster.grpc.pb.h"
#include "server/daemon.h"
#include "support/temp_dir.h"

using namespace muster;
namespace v1 = muster::v1;

namespace {

TokenConfig Token(std::string name, const std::string& secret, std::string role,
                  std::vector<std::string> areas = {}) {
  TokenConfig t;
  t.name = std::move(name);
  t.sha256 = Sha256Hex(secret);
  t.role = std::move(role);
  t.areas = std::move(areas);
  return t;
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Daemon> daemon;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RosterService::Stub> roster;
  std::unique_ptr<v1::AuditService::Stub> audit;

  Fixture() {
    DaemonConfig opts;
    opts.db_path = dir.File("muster.db");
    opts.listen = "127.0.0.1:0";
    opts.http_listen = "";
    opts.tokens = {Token("admin", "admin-secret", "admin"),
                   Token("viewer-national", "viewer-secret", "viewer"),
                   Token("rosteradmin-glos", "glos-secret", "roster-admin", {"gloucestershire"})};
    auto d = Daemon::Start(opts);
    REQUIRE(d.ok());
    daemon = std::move(d).value();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon->grpc_port()),
                                  grpc::InsecureChannelCredentials());
    roster = v1::RosterService::NewStub(channel);
    audit = v1::AuditService::NewStub(channel);
    v1::UpsertSkillRequest skill;
    skill.mutable_skill()->set_code("first_aid");
    skill.mutable_skill()->set_name("First aid");
    skill.mutable_skill()->set_min_level(1);
    skill.mutable_skill()->set_max_level(3);
    v1::Skill out;
    REQUIRE(roster->UpsertSkill(Ctx({"admin-secret"}).get(), skill, &out).ok());
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::vector<std::string>& tokens) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    for (const auto& t : tokens) ctx->AddMetadata("authorization", "Bearer " + t);
    return ctx;
  }

  int64_t AddReservist(const std::string& ext, const std::string& area, std::string email = "") {
    v1::UpsertReservistRequest req;
    v1::Reservist* r = req.mutable_reservist();
    r->set_external_id(ext);
    r->set_name("Person " + ext);
    r->set_home_area(area);
    r->set_lat(52.19);
    r->set_lon(-2.22);
    auto* ch = r->add_channels();
    ch->set_kind(v1::ContactChannel::EMAIL);
    ch->set_address(email.empty() ? ext + "@example.org" : email);
    v1::UpsertReservistResponse resp;
    grpc::Status st = roster->UpsertReservist(Ctx({"admin-secret"}).get(), req, &resp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    return resp.reservist().id();
  }

  std::vector<v1::AuditRecord> Audit(const std::string& action) {
    v1::ListAuditRequest req;
    req.set_action(action);
    req.set_page_size(1000);
    v1::ListAuditResponse resp;
    REQUIRE(audit->ListAudit(Ctx({"admin-secret"}).get(), req, &resp).ok());
    return {resp.records().begin(), resp.records().end()};
  }
};

}  // namespace

TEST_CASE("a call with two authorization values is refused, whichever token comes first",
          "[api][auth]") {
  Fixture fx;
  int64_t worcs = fx.AddReservist("W1", "worcestershire");
  for (auto tokens : {std::vector<std::string>{"viewer-secret", "glos-secret"},
                      std::vector<std::string>{"glos-secret", "viewer-secret"}}) {
    v1::DeleteReservistRequest req;
    req.mutable_ref()->set_id(worcs);
    v1::DeleteReservistResponse resp;
    grpc::Status st = fx.roster->DeleteReservist(Fixture::Ctx(tokens).get(), req, &resp);
    CHECK(st.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    CHECK_THAT(st.error_message(), Catch::Contains("more than one authorization value"));
  }
  v1::GetReservistRequest get;
  get.mutable_ref()->set_id(worcs);
  v1::Reservist still;
  CHECK(fx.roster->GetReservist(Fixture::Ctx({"admin-secret"}).get(), get, &still).ok());
  // Both refusals are audited, and nobody is named as having deleted anything.
  const auto rows = fx.Audit("RosterService/DeleteReservist");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    CHECK(row.outcome() == "UNAUTHENTICATED");
    CHECK(row.actor() == "anonymous");
  }
}

TEST_CASE("the area scope comes from the call's own token: out of area reads as absent",
          "[api][auth]") {
  Fixture fx;
  int64_t worcs = fx.AddReservist("W1", "worcestershire");
  int64_t glos = fx.AddReservist("G1", "gloucestershire");
  v1::DeleteReservistRequest req;
  req.mutable_ref()->set_id(worcs);
  v1::DeleteReservistResponse resp;
  grpc::Status st = fx.roster->DeleteReservist(Fixture::Ctx({"glos-secret"}).get(), req, &resp);
  CHECK(st.error_code() == grpc::StatusCode::NOT_FOUND);
  req.mutable_ref()->set_id(glos);
  st = fx.roster->DeleteReservist(Fixture::Ctx({"glos-secret"}).get(), req, &resp);
  CHECK(st.ok());
  auto rows = fx.Audit("RosterService/DeleteReservist");
  // Audit-first: a STARTED row before each delete ran, then its outcome.
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].outcome() == "STARTED");
  CHECK(rows[1].outcome() == "NOT_FOUND");
  CHECK(rows[2].outcome() == "STARTED");
  CHECK(rows[3].outcome() == "OK");
  for (const auto& row : rows) CHECK(row.actor() == "rosteradmin-glos");
}

TEST_CASE("reads of contact details are audited with who, what and how many rows", "[api][auth]") {
  Fixture fx;
  int64_t first = fx.AddReservist("G1", "gloucestershire");
  fx.AddReservist("G2", "gloucestershire");
  fx.AddReservist("W1", "worcestershire");

  {
    v1::ListReservistsRequest req;
    auto ctx = Fixture::Ctx({"glos-secret"});
    auto reader = fx.roster->ExportReservists(ctx.get(), req);
    v1::Reservist r;
    int n = 0;
    while (reader->Read(&r)) ++n;
    REQUIRE(reader->Finish().ok());
    CHECK(n == 2);
    // The note for the audit is the daemon's, not the client's.
    CHECK(ctx->GetServerTrailingMetadata().count("x-muster-audit-rows") == 0);
  }
  {
    v1::ListReservistsRequest req;
    req.set_page_size(2);
    v1::ListReservistsResponse resp;
    REQUIRE(fx.roster->ListReservists(Fixture::Ctx({"viewer-secret"}).get(), req, &resp).ok());
  }
  {
    v1::GetReservistRequest req;
    req.mutable_ref()->set_id(first);
    v1::Reservist r;
    REQUIRE(fx.roster->GetReservist(Fixture::Ctx({"viewer-secret"}).get(), req, &r).ok());
  }
  auto exports = fx.Audit("RosterService/ExportReservists");
  REQUIRE(exports.size() == 1);
  CHECK(exports[0].actor() == "rosteradmin-glos");
  CHECK(exports[0].outcome() == "OK");
  CHECK_THAT(exports[0].target(), Catch::Contains("rows=2"));
  auto lists = fx.Audit("RosterService/ListReservists");
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].actor() == "viewer-national");
  CHECK_THAT(lists[0].target(), Catch::Contains("rows=2"));
  auto gets = fx.Audit("RosterService/GetReservist");
  REQUIRE(gets.size() == 1);
  CHECK_THAT(gets[0].target(), Catch::Contains("ref.id=" + std::to_string(first)));
  CHECK_THAT(gets[0].target(), Catch::Contains("rows=1"));
}

TEST_CASE("an error quoting a 10 KB value stays INVALID_ARGUMENT with a bounded message", "[api]") {
  Fixture fx;
  v1::UpsertReservistRequest req;
  v1::Reservist* r = req.mutable_reservist();
  r->set_external_id("LONG");
  r->set_name("Long Address");
  r->set_home_area("gloucestershire");
  r->set_lat(51.99);
  r->set_lon(-2.15);
  auto* ch = r->add_channels();
  ch->set_kind(v1::ContactChannel::EMAIL);
  ch->set_address(std::string(10000, 'a') + "@example.org");
  v1::UpsertReservistResponse resp;
  grpc::Status st = fx.roster->UpsertReservist(Fixture::Ctx({"admin-secret"}).get(), req, &resp);
  INFO(st.error_message().substr(0, 300));
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(st.error_message(), Catch::StartsWith("reservist.channels[0]"));
  CHECK(st.error_message().size() <= 1100);
}

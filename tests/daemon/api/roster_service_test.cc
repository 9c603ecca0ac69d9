// The RosterService over a real in-process gRPC server (Daemon on a loopback
// port, temporary SQLite database), called through the generated stub.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "muster/v1/roster.grpc.pb.h"
#include "server/daemon.h"
#include "support/temp_dir.h"

using namespace muster;
namespace v1 = muster::v1;

namespace {

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<v1::RosterService::Stub> stub;

  Fixture() {
    DaemonConfig opts;
    opts.db_path = dir.File("muster.db");
    opts.listen = "127.0.0.1:0";
    opts.http_listen = "127.0.0.1:0";  // tests run in parallel: no fixed ports
    auto d = Daemon::Start(opts);
    REQUIRE(d.ok());
    daemon = std::move(d).value();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    stub = v1::RosterService::NewStub(channel);
    AddSkill("first_aid", 1, 3);
    AddSkill("driver_4x4", 1, 2);
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  void AddSkill(const std::string& code, int min, int max) {
    v1::UpsertSkillRequest req;
    req.mutable_skill()->set_code(code);
    req.mutable_skill()->set_name(code + " skill");
    req.mutable_skill()->set_min_level(min);
    req.mutable_skill()->set_max_level(max);
    v1::Skill resp;
    REQUIRE(stub->UpsertSkill(Ctx().get(), req, &resp).ok());
  }

  grpc::Status Upsert(const v1::Reservist& r, v1::UpsertReservistResponse* resp) {
    v1::UpsertReservistRequest req;
    *req.mutable_reservist() = r;
    return stub->UpsertReservist(Ctx().get(), req, resp);
  }

  grpc::Status Get(int64_t id, v1::Reservist* out) {
    v1::GetReservistRequest req;
    req.mutable_ref()->set_id(id);
    return stub->GetReservist(Ctx().get(), req, out);
  }
};

v1::Reservist Sample(const std::string& ext) {
  v1::Reservist r;
  r.set_external_id(ext);
  r.set_name("Sam Example " + ext);
  r.set_home_area("gloucestershire");
  r.set_lat(51.9925);
  r.set_lon(-2.158);
  r.set_postcode("GL20 5AA");
  auto* ch = r.add_channels();
  ch->set_kind(v1::ContactChannel::SMS);
  ch->set_address("+447700900123");
  auto* s = r.add_skills();
  s->set_skill("first_aid");
  s->set_level(2);
  s->set_cert_expires("2027-03-31");
  s->set_cert_issuer("St John Ambulance");
  auto* w = r.add_availability();
  w->set_day(v1::FRIDAY);
  w->set_start("22:00");
  w->set_end("06:00");
  auto* u = r.add_unavailable();
  u->set_from("2026-12-24");
  u->set_until("2026-12-27");
  return r;
}

}  // namespace

TEST_CASE("upsert creates, get returns every field, replace keeps created_at", "[api]") {
  Fixture f;
  v1::UpsertReservistResponse created;
  REQUIRE(f.Upsert(Sample("GL-1"), &created).ok());
  CHECK(created.created());
  int64_t id = created.reservist().id();
  CHECK(id > 0);
  CHECK(created.reservist().max_travel_km() == 50);  // default

  v1::Reservist got;
  REQUIRE(f.Get(id, &got).ok());
  v1::Reservist expected = Sample("GL-1");
  expected.set_id(id);
  expected.set_max_travel_km(50);
  expected.set_status(v1::ACTIVE);
  *expected.mutable_created_at() = got.created_at();
  *expected.mutable_updated_at() = got.updated_at();
  CHECK(got.SerializeAsString() == expected.SerializeAsString());

  // Replace by external id (no id given).
  v1::Reservist changed = Sample("GL-1");
  changed.set_name("Sam Changed");
  v1::UpsertReservistResponse replaced;
  REQUIRE(f.Upsert(changed, &replaced).ok());
  CHECK_FALSE(replaced.created());
  CHECK(replaced.reservist().id() == id);
  CHECK(replaced.reservist().name() == "Sam Changed");
  CHECK(replaced.reservist().created_at().seconds() == got.created_at().seconds());
}

TEST_CASE("bad input is INVALID_ARGUMENT naming the field, and changes nothing", "[api]") {
  Fixture f;
  v1::UpsertReservistResponse first;
  REQUIRE(f.Upsert(Sample("GL-2"), &first).ok());
  int64_t id = first.reservist().id();

  struct Case {
    std::function<void(v1::Reservist&)> mutate;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::Reservist& r) { r.set_lat(123.4); },
       "reservist.lat: 123.4 is out of range [-90, 90]"},
      {[](v1::Reservist& r) { r.mutable_skills(0)->set_skill("juggling"); },
       "reservist.skills[0].skill: unknown skill code 'juggling'"},
      {[](v1::Reservist& r) { r.mutable_skills(0)->set_level(9); },
       "reservist.skills[0].level: 9 is out of range [1, 3] for skill first_aid"},
      {[](v1::Reservist& r) { r.mutable_skills(0)->set_cert_expires("2027-02-30"); },
       "reservist.skills[0].cert_expires: '2027-02-30' is not a date (YYYY-MM-DD)"},
      {[](v1::Reservist& r) { r.mutable_channels(0)->set_address("0770090"); },
       "reservist.channels[0].address: '0770090' is not an E.164 phone number (e.g. "
       "+447700900123)"},
      {[](v1::Reservist& r) { r.mutable_channels(0)->set_kind(v1::ContactChannel::EMAIL); },
       "reservist.channels[0].address: '+447700900123' is not an e-mail address"},
      {[](v1::Reservist& r) { r.mutable_availability(0)->set_end("25:00"); },
       "reservist.availability[0].end: '25:00' is not a time HH:MM"},
      {[](v1::Reservist& r) { r.set_name(""); }, "reservist.name: is required"},
  };
  for (const auto& c : cases) {
    v1::Reservist r = Sample("GL-2");
    r.set_id(id);
    c.mutate(r);
    v1::UpsertReservistResponse resp;
    grpc::Status st = f.Upsert(r, &resp);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(st.error_message() == c.message);
  }
  v1::Reservist after;
  REQUIRE(f.Get(id, &after).ok());
  CHECK(after.name() == first.reservist().name());
  CHECK(after.skills(0).level() == 2);
  CHECK(after.updated_at().seconds() == first.reservist().updated_at().seconds());
  CHECK(after.updated_at().nanos() == first.reservist().updated_at().nanos());
}

TEST_CASE("NOT_FOUND and ALREADY_EXISTS", "[api]") {
  Fixture f;
  v1::Reservist got;
  grpc::Status st = f.Get(999, &got);
  CHECK(st.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(st.error_message().find("999") != std::string::npos);

  v1::UpsertReservistResponse a, b;
  REQUIRE(f.Upsert(Sample("A"), &a).ok());
  REQUIRE(f.Upsert(Sample("B"), &b).ok());
  v1::Reservist clash = Sample("A");  // B's id with A's external id
  clash.set_id(b.reservist().id());
  v1::UpsertReservistResponse resp;
  st = f.Upsert(clash, &resp);
  CHECK(st.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(st.error_message().find("'A'") != std::string::npos);

  v1::Reservist ghost = Sample("C");
  ghost.set_id(12345);
  CHECK(f.Upsert(ghost, &resp).error_code() == grpc::StatusCode::NOT_FOUND);

  v1::DeleteReservistRequest del;
  del.mutable_ref()->set_external_id("nobody");
  v1::DeleteReservistResponse dresp;
  CHECK(f.stub->DeleteReservist(f.Ctx().get(), del, &dresp).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("list pages in id order with filters — suspend, reactivate, delete", "[api]") {
  Fixture f;
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    v1::Reservist r = Sample("L" + std::to_string(i));
    if (i % 2 == 1) r.mutable_skills(0)->set_skill("driver_4x4");
    v1::UpsertReservistResponse resp;
    REQUIRE(f.Upsert(r, &resp).ok());
    ids.push_back(resp.reservist().id());
  }
  v1::ListReservistsRequest req;
  req.set_page_size(2);
  std::vector<int64_t> seen;
  do {
    v1::ListReservistsResponse resp;
    REQUIRE(f.stub->ListReservists(f.Ctx().get(), req, &resp).ok());
    CHECK(resp.total() == 5);
    for (const auto& r : resp.reservists()) seen.push_back(r.id());
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  CHECK(seen == ids);

  v1::SetReservistStatusRequest sreq;
  sreq.mutable_ref()->set_id(ids[0]);
  v1::Reservist sresp;
  REQUIRE(f.stub->SuspendReservist(f.Ctx().get(), sreq, &sresp).ok());
  CHECK(sresp.status() == v1::SUSPENDED);

  v1::ListReservistsRequest filt;
  filt.set_skill("driver_4x4");
  v1::ListReservistsResponse fresp;
  REQUIRE(f.stub->ListReservists(f.Ctx().get(), filt, &fresp).ok());
  CHECK(fresp.total() == 2);
  filt.Clear();
  filt.set_status(v1::SUSPENDED);
  REQUIRE(f.stub->ListReservists(f.Ctx().get(), filt, &fresp).ok());
  CHECK(fresp.total() == 1);

  REQUIRE(f.stub->ReactivateReservist(f.Ctx().get(), sreq, &sresp).ok());
  CHECK(sresp.status() == v1::ACTIVE);

  v1::DeleteReservistRequest del;
  del.mutable_ref()->set_id(ids[1]);
  v1::DeleteReservistResponse dresp;
  REQUIRE(f.stub->DeleteReservist(f.Ctx().get(), del, &dresp).ok());
  v1::Reservist gone;
  CHECK(f.Get(ids[1], &gone).error_code() == grpc::StatusCode::NOT_FOUND);

  v1::ListReservistsRequest bad;
  bad.set_page_token("zzz");
  CHECK(f.stub->ListReservists(f.Ctx().get(), bad, &fresp).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

namespace {

v1::ImportSummary Import(Fixture& f, bool atomic, bool dry_run,
                         const std::vector<std::pair<int64_t, v1::Reservist>>& rows,
                         const std::vector<v1::RowError>& unparsed = {}) {
  auto ctx = f.Ctx();
  v1::ImportSummary summary;
  auto writer = f.stub->ImportReservists(ctx.get(), &summary);
  v1::ImportRequest opts;
  opts.mutable_options()->set_atomic(atomic);
  opts.mutable_options()->set_dry_run(dry_run);
  REQUIRE(writer->Write(opts));
  v1::ImportRequest chunk;
  for (const auto& [line, r] : rows) {
    auto* row = chunk.mutable_chunk()->add_rows();
    row->set_line(line);
    *row->mutable_reservist() = r;
  }
  for (const auto& e : unparsed) *chunk.mutable_chunk()->add_unparsed() = e;
  REQUIRE(writer->Write(chunk));
  writer->WritesDone();
  REQUIRE(writer->Finish().ok());
  return summary;
}

int64_t Count(Fixture& f) {
  v1::ListReservistsRequest req;
  v1::ListReservistsResponse resp;
  REQUIRE(f.stub->ListReservists(f.Ctx().get(), req, &resp).ok());
  return resp.total();
}

}  // namespace

TEST_CASE("bulk import stores good rows and reports bad ones by line", "[api][import]") {
  Fixture f;
  v1::Reservist bad_lat = Sample("I3");
  bad_lat.set_lat(-95);
  v1::Reservist bad_skill = Sample("I5");
  bad_skill.mutable_skills(0)->set_skill("unicycling");
  v1::RowError parse;
  parse.set_line(4);
  parse.set_field("lat");
  parse.set_message("\"abc\" is not a number");
  std::vector<std::pair<int64_t, v1::Reservist>> rows = {
      {2, Sample("I2")}, {3, bad_lat}, {5, bad_skill}, {6, Sample("I6")}, {7, Sample("I2")}};

  SECTION("dry run stores nothing") {
    auto s = Import(f, false, true, rows, {parse});
    CHECK(s.received() == 6);
    CHECK(s.rejected() == 4);
    CHECK_FALSE(s.committed());
    CHECK(Count(f) == 0);
  }
  SECTION("atomic with a bad row stores nothing") {
    auto s = Import(f, true, false, rows, {parse});
    CHECK(s.rejected() == 4);
    CHECK_FALSE(s.committed());
    CHECK(Count(f) == 0);
  }
  SECTION("non-atomic stores every valid row") {
    auto s = Import(f, false, false, rows, {parse});
    CHECK(s.received() == 6);
    CHECK(s.created() == 2);
    CHECK(s.rejected() == 4);
    CHECK(s.committed());
    REQUIRE(s.errors_size() == 4);
    CHECK(s.errors(0).line() == 3);
    CHECK(s.errors(0).field() == "lat");
    CHECK(s.errors(1).line() == 4);
    CHECK(s.errors(2).line() == 5);
    CHECK(s.errors(2).field() == "skills[0].skill");
    CHECK(s.errors(3).line() == 7);
    CHECK(s.errors(3).field() == "external_id");
    CHECK(Count(f) == 2);
  }
  SECTION("atomic with only good rows stores them; re-import updates") {
    std::vector<std::pair<int64_t, v1::Reservist>> good = {{2, Sample("G1")}, {3, Sample("G2")}};
    auto s = Import(f, true, false, good);
    CHECK(s.created() == 2);
    CHECK(s.committed());
    auto again = Import(f, true, false, good);
    CHECK(again.created() == 0);
    CHECK(again.updated() == 2);
    CHECK(Count(f) == 2);
  }
}

TEST_CASE("UpsertSkill that narrows levels below a holding is FAILED_PRECONDITION, as documented",
          "[api]") {
  Fixture f;
  v1::UpsertReservistResponse a;
  REQUIRE(f.Upsert(Sample("A"), &a).ok());  // holds first_aid at level 2
  v1::UpsertSkillRequest req;
  req.mutable_skill()->set_code("first_aid");
  req.mutable_skill()->set_name("first_aid skill");
  req.mutable_skill()->set_min_level(1);
  req.mutable_skill()->set_max_level(1);
  v1::Skill resp;
  grpc::Status st = f.stub->UpsertSkill(f.Ctx().get(), req, &resp);
  CHECK(st.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(st.error_message().find("1 holding") != std::string::npos);
  // A malformed skill is still the caller's input: INVALID_ARGUMENT.
  req.mutable_skill()->set_min_level(3);
  req.mutable_skill()->set_max_level(2);
  CHECK(f.stub->UpsertSkill(f.Ctx().get(), req, &resp).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

// WatchActivation on gRPC's callback API, over a real in-process Daemon with
// bearer tokens: an open watch holds no server thread, every watcher still
// gets each event, and the token checks and area scope still apply.
#include <dirent.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "auth/tokens.h"
#include "metrics/metrics.h"
#include "muster/v1/activation.grpc.pb.h"
#include "muster/v1/roster.grpc.pb.h"
#include "server/daemon.h"
#include "support/temp_dir.h"

using namespace muster;
namespace v1 = muster::v1;

namespace {

constexpr int kWatchers = 50;
constexpr int kWatcherTokens = 7;  // 8 watches per caller at most

TokenConfig Token(std::string name, const std::string& secret, std::string role,
                  std::vector<std::string> areas = {}) {
  TokenConfig t;
  t.name = std::move(name);
  t.sha256 = Sha256Hex(secret);
  t.role = std::move(role);
  t.areas = std::move(areas);
  return t;
}

// Threads of this process (the daemon runs in it).
int ThreadCount() {
  int n = 0;
  DIR* d = opendir("/proc/self/task");
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Daemon> daemon;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RosterService::Stub> roster;
  std::unique_ptr<v1::ActivationService::Stub> activations;

  Fixture() {
    DaemonConfig opts;
    opts.db_path = dir.File("muster.db");
    opts.listen = "127.0.0.1:0";
    opts.http_listen = "";
    opts.tokens = {Token("admin", "admin-secret", "admin"),
                   Token("viewer-hereford", "hereford-secret", "viewer", {"herefordshire"})};
    for (int i = 0; i < kWatcherTokens; ++i) {
      opts.tokens.push_back(
          Token("watcher-" + std::to_string(i), "watch-secret-" + std::to_string(i), "viewer"));
    }
    auto d = Daemon::Start(opts);
    REQUIRE(d.ok());
    daemon = std::move(d).value();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(daemon->grpc_port()),
                                  grpc::InsecureChannelCredentials());
    roster = v1::RosterService::NewStub(channel);
    activations = v1::ActivationService::NewStub(channel);
    v1::UpsertSkillRequest skill;
    skill.mutable_skill()->set_code("first_aid");
    skill.mutable_skill()->set_name("First aid");
    skill.mutable_skill()->set_min_level(1);
    skill.mutable_skill()->set_max_level(3);
    v1::Skill out;
    REQUIRE(roster->UpsertSkill(Ctx("admin-secret").get(), skill, &out).ok());
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  int64_t CreateActivation(const std::string& area) {
    v1::CreateActivationRequest req;
    v1::ActivationSpec* spec = req.mutable_spec();
    spec->set_title("Flood");
    spec->set_lat(51.99);
    spec->set_lon(-2.16);
    spec->set_radius_km(30);
    spec->mutable_start()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count() +
                                       3600);
    spec->set_duration_minutes(120);
    spec->set_answer_within_minutes(30);
    spec->add_areas(area);
    auto* need = spec->add_requirements();
    need->set_skill("first_aid");
    need->set_count(1);
    v1::CreateActivationResponse resp;
    grpc::Status st = activations->CreateActivation(Ctx("admin-secret").get(), req, &resp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    return resp.activation().id();
  }

  // The status of a watch of id that sends token, read to its end.
  grpc::Status WatchStatus(const std::string& token, int64_t id) {
    auto ctx = Ctx(token);
    v1::WatchActivationRequest req;
    req.set_id(id);
    auto reader = activations->WatchActivation(ctx.get(), req);
    v1::ActivationEvent e;
    if (reader->Read(&e)) {
      ctx->TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }
};

}  // namespace

TEST_CASE("open watches hold no server thread, and an event reaches every watcher",
          "[api][watch]") {
  Fixture f;
  const int64_t id = f.CreateActivation("gloucestershire");
  // One watch opened and closed first, so that gRPC's lazily started
  // threads are counted in the baseline.
  REQUIRE(f.WatchStatus("watch-secret-0", id).ok());
  const int before = ThreadCount();
  struct Watch {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<v1::ActivationEvent>> reader;
  };
  std::vector<Watch> open;
  for (int i = 0; i < kWatchers; ++i) {
    Watch w{Fixture::Ctx("watch-secret-" + std::to_string(i % kWatcherTokens)), nullptr};
    v1::WatchActivationRequest req;
    req.set_id(id);
    w.reader = f.activations->WatchActivation(w.ctx.get(), req);
    v1::ActivationEvent first;
    INFO("watch " << i);
    REQUIRE(w.reader->Read(&first));  // the snapshot: the stream is open
    CHECK(first.kind() == v1::SNAPSHOT);
    open.push_back(std::move(w));
  }
  const int during = ThreadCount();
  INFO("threads before " << before << ", with " << kWatchers << " watches open " << during);
  CHECK(during - before < 10);

  // Cancelling the activation is an event for every watcher, then the end.
  v1::CancelActivationRequest cancel;
  cancel.set_id(id);
  cancel.set_reason("exercise over");
  v1::Activation cancelled;
  REQUIRE(
      f.activations->CancelActivation(Fixture::Ctx("admin-secret").get(), cancel, &cancelled).ok());
  for (auto& w : open) {
    v1::ActivationEvent e;
    bool saw_cancelled = false;
    while (w.reader->Read(&e)) {
      if (e.state() == v1::CANCELLED) saw_cancelled = true;
    }
    CHECK(saw_cancelled);
    grpc::Status st = w.reader->Finish();
    INFO(st.error_message());
    CHECK(st.ok());
  }
}

TEST_CASE("watch: no token is refused, a viewer outside the activation's areas gets NOT_FOUND",
          "[api][watch]") {
  Fixture f;
  const int64_t id = f.CreateActivation("gloucestershire");
  CHECK(f.WatchStatus("", id).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(f.WatchStatus("wrong-secret", id).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status outside = f.WatchStatus("hereford-secret", id);
  CHECK(outside.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(outside.error_message(), Catch::Contains("not found"));
  // Inside its areas the same token watches.
  const int64_t local = f.CreateActivation("herefordshire");
  CHECK(f.WatchStatus("hereford-secret", local).ok());
  // The metrics interceptor sees the callback method (recorded before the
  // status is sent).
  const std::string text = metrics::DefaultRegistry().RenderText();
  INFO(text);
  CHECK_THAT(
      text,
      Catch::Contains(
          R"(muster_grpc_requests_total{code="NOT_FOUND",method="ActivationService/WatchActivation"})"));
}

TEST_CASE("a daemon shutting down ends its open watches", "[api][watch]") {
  Fixture f;
  const int64_t id = f.CreateActivation("gloucestershire");
  auto ctx = Fixture::Ctx("watch-secret-0");
  v1::WatchActivationRequest req;
  req.set_id(id);
  auto reader = f.activations->WatchActivation(ctx.get(), req);
  v1::ActivationEvent e;
  REQUIRE(reader->Read(&e));
  // The server waits for the watch to finish before the services and the
  // event hub it subscribed to are destroyed.
  f.daemon.reset();
  while (reader->Read(&e)) {
  }
  CHECK_FALSE(reader->Finish().ok());
}

// WatchActivation streams are bounded per caller and overall: each holds a
// subscription and its buffered events for as long as it is open.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "api/watch_slots.h"
#include "muster/v1/activation.grpc.pb.h"
#include "muster/v1/roster.grpc.pb.h"
#include "server/daemon.h"
#include "support/temp_dir.h"

using namespace muster;
namespace v1 = muster::v1;

TEST_CASE("watch slots: per caller and overall limits, freed when a slot goes", "[api]") {
  api::WatchSlots slots(2, 3);
  std::string why;
  auto a1 = slots.Acquire("a", why);
  auto a2 = slots.Acquire("a", why);
  REQUIRE(a1);
  REQUIRE(a2);
  CHECK_FALSE(slots.Acquire("a", why));
  CHECK_THAT(why, Catch::Contains("per caller"));
  auto b1 = slots.Acquire("b", why);
  REQUIRE(b1);
  CHECK_FALSE(slots.Acquire("c", why));
  CHECK_THAT(why, Catch::Contains("3 activation watches are open"));
  CHECK(slots.open() == 3);
  a1.reset();
  CHECK(slots.open() == 2);
  CHECK(slots.Acquire("c", why));  // released again at once (temporary)
  CHECK(slots.Acquire("a", why));
  CHECK(slots.open() == 2);
}

TEST_CASE("a caller's ninth open watch is RESOURCE_EXHAUSTED and closing one frees its slot",
          "[api][watch]") {
  testing::TempDir dir;
  DaemonConfig opts;
  opts.db_path = dir.File("muster.db");
  opts.listen = "127.0.0.1:0";
  opts.http_listen = "";
  auto d = Daemon::Start(opts);
  REQUIRE(d.ok());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*d)->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto deadline = [] { return std::chrono::system_clock::now() + std::chrono::seconds(30); };
  {
    auto roster = v1::RosterService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::UpsertSkillRequest skill;
    skill.mutable_skill()->set_code("first_aid");
    skill.mutable_skill()->set_name("First aid");
    skill.mutable_skill()->set_min_level(1);
    skill.mutable_skill()->set_max_level(3);
    v1::Skill out;
    REQUIRE(roster->UpsertSkill(&ctx, skill, &out).ok());
  }
  auto activations = v1::ActivationService::NewStub(channel);
  int64_t id = 0;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline());
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
    auto* need = spec->add_requirements();
    need->set_skill("first_aid");
    need->set_count(1);
    v1::CreateActivationResponse resp;
    grpc::Status st = activations->CreateActivation(&ctx, req, &resp);
    INFO(st.error_message());
    REQUIRE(st.ok());
    id = resp.activation().id();
  }
  struct Watch {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::ActivationEvent>> reader;
  };
  std::vector<std::unique_ptr<Watch>> open;
  for (size_t i = 0; i < api::WatchSlots::kDefaultPerCaller; ++i) {
    auto w = std::make_unique<Watch>();
    w->ctx.set_deadline(deadline());
    v1::WatchActivationRequest req;
    req.set_id(id);
    w->reader = activations->WatchActivation(&w->ctx, req);
    v1::ActivationEvent first;
    REQUIRE(w->reader->Read(&first));  // the snapshot: the stream is open
    CHECK(first.kind() == v1::SNAPSHOT);
    open.push_back(std::move(w));
  }
  auto try_one = [&]() {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline());
    v1::WatchActivationRequest req;
    req.set_id(id);
    auto reader = activations->WatchActivation(&ctx, req);
    v1::ActivationEvent e;
    if (reader->Read(&e)) {
      ctx.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  };
  grpc::Status st = try_one();
  CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(st.error_message(), Catch::Contains("per caller"));
  // One watcher leaves: its slot comes free (once gRPC reports the
  // cancellation), and the next watch is served.
  open.front()->ctx.TryCancel();
  open.front()->reader->Finish();
  open.erase(open.begin());
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  do {
    st = try_one();
    if (st.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < until);
  CHECK(st.ok());
  for (auto& w : open) {
    w->ctx.TryCancel();
    w->reader->Finish();
  }
}

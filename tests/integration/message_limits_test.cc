// musterd's receive limit against a real musterd: every message is at most
// 1 MiB, which the largest legitimate unary request fits in with room to
// spare, while a roster import far larger than that streams through
// musterctl in messages under the limit.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "muster/v1/roster.grpc.pb.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster;
using muster::testing::CommandResult;
using muster::testing::MusterdProcess;
using muster::testing::Run;
using muster::testing::TempDir;
using muster::testing::WriteFile;

namespace {

constexpr size_t kLimit = 1 << 20;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::string Two(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

// A reservist with every list at its maximum and every text at its longest
// (docs/roster-csv.md, daemon/roster/validate.h).
v1::Reservist LargestReservist() {
  v1::Reservist r;
  r.set_external_id(std::string(100, 'X'));
  r.set_name(std::string(200, 'N'));
  r.set_home_area("gloucestershire");
  r.set_lat(51.9);
  r.set_lon(-2.1);
  r.set_max_travel_km(1000);
  for (int i = 0; i < 10; ++i) {
    auto* ch = r.add_channels();
    ch->set_kind(v1::ContactChannel::WEBHOOK);
    std::string url = "https://example.org/" + std::to_string(i) + "/";
    ch->set_address(url + std::string(500 - url.size(), 'w'));
  }
  for (int i = 0; i < 50; ++i) {
    auto* s = r.add_skills();
    s->set_skill("skill_" + Two(i));
    s->set_level(1);
    s->set_cert_expires("2030-12-31");
    s->set_cert_issuer(std::string(200, 'I'));
  }
  for (int i = 0; i < 50; ++i) {
    auto* w = r.add_availability();
    w->set_day(static_cast<v1::Weekday>(i % 7 + 1));
    w->set_start(Two(i / 7 * 3) + ":00");
    w->set_end(Two(i / 7 * 3 + 1) + ":00");
  }
  for (int i = 0; i < 100; ++i) {
    auto* u = r.add_unavailable();
    std::string day = "2030-" + Two(i / 28 + 1) + "-" + Two(i % 28 + 1);
    u->set_from(day);
    u->set_until(day);
    u->set_reason(std::string(200, 'R'));
  }
  return r;
}

int64_t Int(const nlohmann::json& v) {
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
}

}  // namespace

TEST_CASE("unary requests over 1 MiB are RESOURCE_EXHAUSTED and the largest legitimate one passes",
          "[integration]") {
  TempDir dir;
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  auto stub = v1::RosterService::NewStub(
      grpc::CreateCustomChannel(d.address(), grpc::InsecureChannelCredentials(), args));
  for (int i = 0; i < 50; ++i) {
    v1::UpsertSkillRequest skill;
    skill.mutable_skill()->set_code("skill_" + Two(i));
    skill.mutable_skill()->set_name("Skill " + std::to_string(i));
    skill.mutable_skill()->set_min_level(1);
    skill.mutable_skill()->set_max_level(3);
    v1::Skill out;
    REQUIRE(stub->UpsertSkill(Ctx().get(), skill, &out).ok());
  }

  v1::UpsertReservistRequest largest;
  *largest.mutable_reservist() = LargestReservist();
  const size_t size = largest.ByteSizeLong();
  INFO("the largest legitimate reservist takes " << size << " bytes");
  CHECK(size < kLimit / 8);
  v1::UpsertReservistResponse resp;
  grpc::Status st = stub->UpsertReservist(Ctx().get(), largest, &resp);
  INFO(st.error_message());
  CHECK(st.ok());

  // Just under the limit: parsed, then refused by name (too long).
  v1::UpsertReservistRequest big;
  big.mutable_reservist()->set_external_id("BIG");
  big.mutable_reservist()->set_name(std::string(kLimit - 64, 'n'));
  REQUIRE(big.ByteSizeLong() <= kLimit);
  st = stub->UpsertReservist(Ctx().get(), big, &resp);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  // Just over it: refused before parsing.
  big.mutable_reservist()->set_name(std::string(kLimit + 1, 'n'));
  st = stub->UpsertReservist(Ctx().get(), big, &resp);
  CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_CASE("musterctl imports a roster many times the message limit and reports an oversized row",
          "[integration][slow]") {
  TempDir dir;
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  auto ctl = [&](std::vector<std::string> a) {
    a.insert(a.begin(), {MUSTERCTL_PATH, "--server", d.address()});
    return Run(a, dir.path().string());
  };
  REQUIRE(ctl({"skill", "add", "first_aid", "--name", "First aid"}).exit_code == 0);
  // 20,000 rows of some 350 bytes (7 MB), and on line 10,002 one row whose
  // name alone is 600 KiB (musterctl reads records up to 1 MiB).
  std::string csv = "external_id,name,home_area,lat,lon,channels,skills\n";
  const std::string padding(150, 'p');
  const std::string hook = ";webhook:https://example.org/" + std::string(100, 'w');
  for (int i = 0; i < 20000; ++i) {
    if (i == 10000) {
      csv += "HUGE," + std::string(600 << 10, 'h') +
             ",gloucestershire,51.9,-2.1,sms:+447700900123,first_aid:1\n";
    }
    csv += "E" + std::to_string(i) + ",Person " + std::to_string(i) + " " + padding +
           ",gloucestershire,51.9,-2.1,sms:+447700900123" + hook + ",first_aid:1\n";
  }
  REQUIRE(csv.size() > 6 * kLimit);
  WriteFile(dir.File("big.csv"), csv);
  // Rows per chunk at their maximum: 1 MiB of these rows encodes to more than
  // 1 MiB, so the encoded size must bound each message.
  CommandResult r =
      ctl({"--output", "json", "roster", "import", dir.File("big.csv"), "--chunk-rows", "10000"});
  INFO(r.out.substr(0, 2000) << r.err.substr(0, 2000));
  REQUIRE(!r.out.empty());
  auto summary = nlohmann::json::parse(r.out);
  CHECK(Int(summary["created"]) == 20000);
  CHECK(Int(summary["rejected"]) == 1);
  REQUIRE(summary["errors"].size() == 1);
  CHECK(Int(summary["errors"][0]["line"]) == 10002);
  CHECK_THAT(summary["errors"][0]["message"].get<std::string>(), Catch::Contains("bytes; at most"));
  CHECK(r.exit_code != 0);  // a row was rejected
}

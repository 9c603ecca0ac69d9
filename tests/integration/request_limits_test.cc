// Oversized requests against a real musterd: refused before they are parsed,
// one by one and in a flood from many clients at once. What the flood does
// to musterd's memory (and how much its trimmer hands back) is measured by
// bench/request_flood_bench.cc, not here: resident size depends on the
// machine and its load.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "muster/v1/roster.grpc.pb.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster;
using muster::testing::MusterdProcess;
using muster::testing::TempDir;

namespace {

grpc::Status UpsertWithName(v1::RosterService::Stub& stub, size_t name_bytes) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::UpsertReservistRequest req;
  req.mutable_reservist()->set_external_id("BIG");
  req.mutable_reservist()->set_name(std::string(name_bytes, 'n'));
  v1::UpsertReservistResponse resp;
  return stub.UpsertReservist(&ctx, req, &resp);
}

}  // namespace

TEST_CASE("requests over 1 MiB are refused, one at a time and in a flood from 16 clients",
          "[integration][slow]") {
  TempDir dir;
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(d.address(), grpc::InsecureChannelCredentials(), args);
  auto stub = v1::RosterService::NewStub(channel);

  // Just under the limit: parsed, and refused by name (the name is too long).
  grpc::Status st = UpsertWithName(*stub, 900 << 10);
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  // Over it: refused before parsing.
  st = UpsertWithName(*stub, 5 << 20);
  CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);

  // 16 clients at once, 20 oversized requests each.
  std::vector<std::thread> clients;
  std::atomic<int> exhausted{0};
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&] {
      auto own = v1::RosterService::NewStub(
          grpc::CreateCustomChannel(d.address(), grpc::InsecureChannelCredentials(), args));
      for (int i = 0; i < 20; ++i) {
        if (UpsertWithName(*own, 6 << 20).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
          ++exhausted;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(exhausted == 16 * 20);
  // The daemon still answers normal calls after the flood.
  st = UpsertWithName(*stub, 10);
  CHECK(st.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(st.error_code() != grpc::StatusCode::UNAVAILABLE);
}

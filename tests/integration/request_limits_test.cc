// Oversized requests against a real musterd: refused before they are parsed,
// and they leave the daemon's memory where it was.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "muster/v1/roster.grpc.pb.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster;
using muster::testing::MusterdProcess;
using muster::testing::TempDir;

namespace {

// Resident set size of pid in MiB (VmRSS from /proc).
double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      double kib = 0;
      fields >> kib;
      return kib / 1024;
    }
  }
  return -1;
}

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

TEST_CASE("requests over 1 MiB are refused, and memory a flood of them took is handed back",
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

  const double before = RssMiB(d.pid());
  REQUIRE(before > 0);
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
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer (this binary and musterd are built alike) freed
  // memory sits in ASan's quarantine and its own allocator, which
  // malloc_trim does not reach: resident size says nothing about musterd.
  WARN("ASan build: memory hand-back not measured");
  return;
#endif
  // gRPC buffers each message before it checks the size, so the peak is
  // high; the daemon hands freed memory back within its 30 s trim (without
  // it, the resident size stays at the peak for good). What gRPC itself
  // keeps is not ours to free: ask for a clear fall, not the baseline.
  const double peak = RssMiB(d.pid());
  const double target = before + 0.8 * (peak - before);
  double after = peak;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  while (after >= target && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    after = RssMiB(d.pid());
  }
  INFO("RSS before " << before << " MiB, after the flood " << peak << " MiB, then " << after
                     << " MiB");
  CHECK(after < target);
}

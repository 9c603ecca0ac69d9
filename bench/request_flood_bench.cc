// Memory under a flood of oversized requests: a real musterd on loopback,
// 16 clients each sending 20 gRPC requests of 6 MiB (all refused with
// RESOURCE_EXHAUSTED before they are parsed). gRPC buffers each message
// before it checks its size, so resident memory rises; musterd's memory
// trimmer (daemon/server/memory_trimmer.h, every 30 s) hands the freed part
// back. Reports resident size before the flood (the baseline of the same
// run), at its end, and each second until it has fallen by `fraction` of the
// rise or `wait` seconds pass. With rounds > 1 it floods again after each
// wait: a leak shows as a resident size that climbs round after round.
//
//   request_flood_bench [clients=16] [requests=20] [wait=45] [fraction=0.5] [rounds=1]
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "muster/v1/roster.grpc.pb.h"
#include "support/proc_memory.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using muster::testing::MusterdProcess;
using muster::testing::TempDir;
namespace v1 = muster::v1;

// Resident set size of pid in MiB.
double RssMiB(pid_t pid) {
  return muster::testing::ReadProcMemory(pid).resident_mib;
}

grpc::StatusCode UpsertWithName(v1::RosterService::Stub& stub, size_t name_bytes) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::UpsertReservistRequest req;
  req.mutable_reservist()->set_external_id("BIG");
  req.mutable_reservist()->set_name(std::string(name_bytes, 'n'));
  v1::UpsertReservistResponse resp;
  return stub.UpsertReservist(&ctx, req, &resp).error_code();
}

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::stoi(argv[1]) : 16;
  const int requests = argc > 2 ? std::stoi(argv[2]) : 20;
  const int wait_s = argc > 3 ? std::stoi(argv[3]) : 45;
  const double fraction = argc > 4 ? std::stod(argv[4]) : 0.5;
  const int rounds = argc > 5 ? std::stoi(argv[5]) : 1;

  TempDir dir;
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string());
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);

  const double before = RssMiB(d.pid());
  fmt::print("musterd resident before the first flood: {:.1f} MiB (the baseline)\n", before);
  bool all_refused = true;
  for (int round = 1; round <= rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    std::atomic<int> exhausted{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&] {
        auto stub = v1::RosterService::NewStub(
            grpc::CreateCustomChannel(d.address(), grpc::InsecureChannelCredentials(), args));
        for (int i = 0; i < requests; ++i) {
          if (UpsertWithName(*stub, 6 << 20) == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
        }
      });
    }
    for (auto& t : threads) t.join();
    const double flood_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double peak = RssMiB(d.pid());
    fmt::print("round {}: {} clients x {} requests of 6 MiB: {} refused in {:.1f} s\n", round,
               clients, requests, exhausted.load(), flood_s);
    fmt::print("  resident at the end of the flood: {:.1f} MiB\n", peak);
    all_refused = all_refused && exhausted == clients * requests;

    const double target = peak - fraction * (peak - before);
    double now = peak;
    int waited = 0;
    while (now > target && waited < wait_s) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ++waited;
      now = RssMiB(d.pid());
    }
    const double handed_back = peak > before ? (peak - now) / (peak - before) : 0;
    fmt::print("  after {} s: {:.1f} MiB ({:.0f}% of the rise handed back; {:.2f}x the baseline)\n",
               waited, now, 100 * handed_back, now / before);
  }
  return all_refused ? 0 : 1;
}

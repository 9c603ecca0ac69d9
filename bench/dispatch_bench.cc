// Dispatch throughput through the webhook backend to a local HTTP sink, with
// a real musterd (separate process) and a fresh database:
//
//   dispatch_bench [asked=100000] [dir=/tmp] [sink_threads=1] [pipeline=1]
//                  [concurrency=128]
//
// `pipeline` > 1 sets the webhook backend's HTTP/1.1 pipelining (requests in
// flight per connection; the benchmark sink handles pipelined requests).
//
// 1. Baseline, in the same run: the benchmark sink (tests/support/
//    bench_sink.h) alone, driven by the minimal keep-alive client at the
//    daemon's concurrency with `asked` requests (what HTTP on loopback costs
//    here without Muster). notify_webhook_bench adds the webhook notifier
//    alone.
// 2. A small activation (10 asked): time from `activate` (the musterctl
//    command) to the first message at the sink.
// 3. One activation asking `asked` people (10 requirements): time from
//    `activate` to the first message, and until every call-out is stored as
//    DELIVERED (HTTP 2xx and stored state); the database's share of the
//    dispatcher's time (from its log); musterd's peak memory.
#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>  // before Boost's coroutine headers (std::exchange)

#include <atomic>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>

#include "support/bench_sink.h"
#include "support/future_dates.h"
#include "support/proc_memory.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using muster::testing::MusterdProcess;
using muster::testing::ReadFile;
using muster::testing::Run;
using muster::testing::WriteFile;
using SteadyClock = std::chrono::steady_clock;

double Since(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

int64_t Delivered(const std::string& db_path, int64_t activation) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM callouts WHERE activation_id = ?1 AND state = 3",
                         -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, activation);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t asked = argc > 1 ? std::stoll(argv[1]) : 100000;
  std::string base = argc > 2 ? argv[2] : "/tmp";  // unused: TempDir picks the place
  int sink_threads = argc > 3 ? std::stoi(argv[3]) : 1;
  int pipeline = argc > 4 ? std::stoi(argv[4]) : 1;
  const int kConcurrency = argc > 5 ? std::stoi(argv[5]) : 128;  // webhook sends in flight
  const int kSkills = 10;
  // Over-ask 1.5: count per requirement so that 10 requirements ask `asked`.
  int64_t per_skill_count = std::max<int64_t>(1, asked / kSkills * 2 / 3);
  int64_t roster = asked + asked / 10 + 20;

  muster::testing::TempDir dir;
  (void)base;
  {
    std::string load = ReadFile("/proc/loadavg");
    muster::testing::BenchSink alone(sink_threads);
    auto t = SteadyClock::now();
    int64_t ok = muster::testing::BenchClient::Run(alone.port(), kConcurrency, asked);
    double secs = Since(t);
    std::printf(
        "baseline: sink alone (%d thread(s)) + minimal client, %lld requests over %d "
        "connections: %.2f s = %.0f requests/s (%lld answered 200); load average %s",
        sink_threads, static_cast<long long>(asked), kConcurrency, secs, asked / secs,
        static_cast<long long>(ok), load.c_str());
  }
  muster::testing::BenchSink sink(sink_threads);

  std::string csv = "external_id,name,home_area,lat,lon,max_travel_km,channels,skills\n";
  for (int64_t i = 0; i < roster; ++i) {
    csv += fmt::format("b{},Bench {},gloucestershire,{:.5f},{:.5f},100,webhook:{},s{}:1\n", i, i,
                       51.9 + (i % 300) * 0.0005, -2.2 + (i / 300 % 300) * 0.0005,
                       sink.url("/hook"), i % kSkills);
  }
  WriteFile(dir.File("roster.csv"), csv);
  WriteFile(dir.File("musterd.toml"), fmt::format(R"(
[channels]
webhook = ["hook"]
[notifiers.hook]
type = "webhook"
allow_networks = ["127.0.0.0/8"]  # the test sinks listen on loopback
concurrency = {}
pipeline = {}
)",
                                                  kConcurrency, pipeline));
  std::string db = dir.File("m.db");
  MusterdProcess daemon(MUSTERD_PATH, db, dir.path(), {"--config", dir.File("musterd.toml")});
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> command = {MUSTERCTL_PATH, "--server", daemon.address(), "--timeout",
                                        "600"};
    command.insert(command.end(), args.begin(), args.end());
    return Run(command, dir.path());
  };
  for (int s = 0; s < kSkills; ++s) {
    ctl({"skill", "add", fmt::format("s{}", s), "--name", fmt::format("Skill {}", s)});
  }
  auto t_import = SteadyClock::now();
  auto imported = ctl({"roster", "import", dir.File("roster.csv")});
  if (imported.exit_code != 0) {
    std::fprintf(stderr, "import failed: %s\n", imported.err.c_str());
    return 1;
  }
  std::printf("roster: %lld reservists imported in %.1f s\n", static_cast<long long>(roster),
              Since(t_import));

  auto activate = [&](const std::string& title, const std::vector<std::string>& needs,
                      int weeks_ahead) -> int64_t {
    std::vector<std::string> args = {"--output",
                                     "json",
                                     "activate",
                                     "--title",
                                     title,
                                     "--at",
                                     "51.975,-2.125",
                                     "--radius",
                                     "100",
                                     "--start",
                                     muster::testing::FutureTuesdayEvening(weeks_ahead),
                                     "--hours",
                                     "2"};
    for (const auto& n : needs) args.insert(args.end(), {"--need", n});
    auto r = ctl(args);
    if (r.exit_code != 0) {
      std::fprintf(stderr, "activate failed: %s\n", r.err.c_str());
      std::exit(1);
    }
    std::smatch m;
    std::regex_search(r.out, m, std::regex("\"id\":\"([0-9]+)\""));
    return std::stoll(m[1]);
  };

  // A small activation: latency to the first message.
  sink.ResetFirst();
  auto t_small = SteadyClock::now();
  int64_t small = activate("small", {"s0:1:7"}, 1);
  while (sink.first_request_ns() == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  double small_first_ms = (sink.first_request_ns() - t_small.time_since_epoch().count()) / 1e6;
  while (Delivered(db, small) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::printf(
      "small activation (10 asked): activate -> first message at the sink %.1f ms "
      "(includes starting musterctl)\n",
      small_first_ms);

  // The big one.
  std::vector<std::string> needs;
  for (int s = 0; s < kSkills; ++s) needs.push_back(fmt::format("s{}:1:{}", s, per_skill_count));
  int64_t requests_before = sink.request_count();
  int64_t keys_before = sink.distinct_keys();
  sink.ResetFirst();
  std::string load_before = ReadFile("/proc/loadavg");
  auto t0 = SteadyClock::now();
  int64_t big = activate("big", needs, 2);
  double t_stored = Since(t0);
  while (sink.first_request_ns() == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  double first_ms = (sink.first_request_ns() - t0.time_since_epoch().count()) / 1e6;
  int64_t n_asked = -1;
  {
    // How many were asked: every call-out of the activation.
    sqlite3* h = nullptr;
    sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT count(*) FROM callouts WHERE activation_id = ?1", -1, &st,
                       nullptr);
    sqlite3_bind_int64(st, 1, big);
    if (sqlite3_step(st) == SQLITE_ROW) n_asked = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
  }
  // Every call-out at the sink (distinct keys), then every one stored DELIVERED.
  while (sink.distinct_keys() - keys_before < n_asked) {
    if (Since(t0) > 900) {
      std::fprintf(stderr, "only %lld of %lld call-outs reached the sink after 900 s\n",
                   static_cast<long long>(sink.distinct_keys() - keys_before),
                   static_cast<long long>(n_asked));
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double t_sent = Since(t0);
  while (Delivered(db, big) < n_asked) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  double total = Since(t0);
  std::string load_after = ReadFile("/proc/loadavg");
  std::string log = ReadFile(daemon.log_path());

  double db_ms = 0;
  std::regex storing("([0-9]+) ms storing state so far");
  for (std::sregex_iterator it(log.begin(), log.end(), storing), end; it != end; ++it) {
    db_ms = std::stod((*it)[1]);
  }
  // The daemon's own split of the create: "activation N: K selected in A ms,
  // stored in B ms" (the last one logged is the big activation's).
  double select_ms = 0, store_ms = 0;
  std::regex created("selected in ([0-9]+) ms, stored in ([0-9]+) ms");
  for (std::sregex_iterator it(log.begin(), log.end(), created), end; it != end; ++it) {
    select_ms = std::stod((*it)[1]);
    store_ms = std::stod((*it)[2]);
  }
  std::printf(
      "big activation: %lld asked (webhook concurrency %d, pipeline %d)\n"
      "  activate returned (ranked + stored)  %.2f s  (selection %.2f s, storing %.2f s)\n"
      "  first message at the sink            %.0f ms\n"
      "  every call-out at the sink           %.2f s  (%lld requests, %lld repeated keys)\n"
      "  every call-out stored DELIVERED      %.2f s  (%.0f call-outs/s)\n"
      "  dispatcher time storing state        %.2f s  (%.0f %% of the time from first to last "
      "message)\n"
      "  musterd peak RSS                     %.0f MiB\n",
      static_cast<long long>(n_asked), kConcurrency, pipeline, t_stored, select_ms / 1000,
      store_ms / 1000, first_ms, t_sent,
      static_cast<long long>(sink.request_count() - requests_before),
      static_cast<long long>(sink.repeated_keys()), total, n_asked / total, db_ms / 1000,
      100.0 * db_ms / 1000 / std::max(0.001, total - first_ms / 1000),
      muster::testing::ReadProcMemory(daemon.pid()).peak_mib);
  std::printf("  load average before %s  load average after  %s", load_before.c_str(),
              load_after.c_str());
  daemon.Stop();
  return 0;
}

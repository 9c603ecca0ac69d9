// Throughput of the benchmark HTTP sink alone and of WebhookNotifier against it.
//   notify_webhook_bench [N=100000] [C=64] [sink_threads=1] [pipeline=1]
// Part 1: the minimal client (tests/support/bench_sink.h) sends N POSTs over
//         C keep-alive connections to the BenchSink: the sink's baseline.
// Part 2: N messages through WebhookNotifier with C sends in flight (with
//         `pipeline` > 1, that many requests in flight per connection).
// Prints requests/s for both. Needs muster_notify linked (see docs/notifiers.md).

#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "../tests/support/bench_sink.h"
#include "notify/notifier.h"

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// Process CPU seconds (user + system), to report throughput per CPU-second
// when the machine is shared.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double SinkAlone(int n, int c, int sink_threads) {
  muster::testing::BenchSink sink(sink_threads);
  auto start = Clock::now();
  double cpu0 = CpuSeconds();
  int64_t ok = muster::testing::BenchClient::Run(sink.port(), c, n);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (ok != n || sink.request_count() != n || sink.distinct_keys() != n) {
    std::fprintf(stderr, "sink alone: %lld ok, %lld requests seen, %lld distinct keys\n",
                 static_cast<long long>(ok), static_cast<long long>(sink.request_count()),
                 static_cast<long long>(sink.distinct_keys()));
  }
  double cpu = CpuSeconds() - cpu0;
  std::printf(
      "sink alone:       %d requests over %d connections in %.3f s = %.0f requests/s "
      "(%.2f CPU s, minimal client included)\n",
      n, c, secs, n / secs, cpu);
  return n / secs;
}

double ThroughNotifier(int n, int c, int sink_threads, int pipeline) {
  muster::testing::BenchSink sink(sink_threads);
  asio::io_context ioc;
  muster::NotifierSpec spec{"bench",
                            "webhook",
                            {{"url", sink.url("/hook")},
                             {"secret", std::string("bench")},
                             {"pipeline", int64_t{pipeline}}}};
  auto made = muster::notify::FindNotifierFactory("webhook")(spec, ioc.get_executor());
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
    std::exit(1);
  }
  auto& notifier = *made.value();
  muster::notify::Message m;
  m.kind = muster::notify::MessageKind::kCallout;
  m.reservist_name = "Bench Person";
  m.channel = {muster::ChannelKind::kWebhook, ""};
  m.subject = "Muster call-out: bench";
  m.text = "You are asked to help. Accept: http://x/a Decline: http://x/d";
  int started = 0, done = 0, failed = 0;
  std::function<void()> start_one = [&] {
    m.idempotency_key = "bench-" + std::to_string(started);
    m.callout_id = ++started;
    notifier.Send(m, [&](muster::notify::SendResult r) {
      ++done;
      if (r.outcome != muster::notify::SendOutcome::kDelivered) ++failed;
      if (started < n) start_one();
    });
  };
  auto start = Clock::now();
  double cpu0 = CpuSeconds();
  for (int i = 0; i < c && started < n; ++i) start_one();
  while (done < n) ioc.run_one();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed != 0 || sink.distinct_keys() != n) {
    std::fprintf(stderr, "webhook: %d sends failed, %lld distinct keys at the sink\n", failed,
                 static_cast<long long>(sink.distinct_keys()));
  }
  double cpu = CpuSeconds() - cpu0;
  std::printf(
      "webhook notifier: %d messages, %d in flight, pipeline %d, %lld connections, in %.3f s = "
      "%.0f requests/s (%.2f CPU s, sink included)\n",
      n, c, pipeline, static_cast<long long>(sink.connections()), secs, n / secs, cpu);
  notifier.Shutdown();
  ioc.poll();
  return n / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  int c = argc > 2 ? std::atoi(argv[2]) : 64;
  int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  int pipeline = argc > 4 ? std::atoi(argv[4]) : 1;
  std::printf("N=%d C=%d sink_threads=%d pipeline=%d\n", n, c, threads, pipeline);
  SinkAlone(n, c, threads);
  ThroughNotifier(n, c, threads, 1);
  if (pipeline > 1) ThroughNotifier(n, c, threads, pipeline);
  return 0;
}

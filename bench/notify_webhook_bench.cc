// Throughput of the test HTTP sink alone and of WebhookNotifier against it.
//   notify_webhook_bench [N=100000] [C=64] [sink_threads=1] [record=1]
// Part 1: a raw Beast client sends N POSTs over C keep-alive connections.
// Part 2: N messages through WebhookNotifier with C sends in flight.
// Prints requests/s for both. Needs muster_notify linked (see docs/notifiers.md).

#include <utility>  // first: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../tests/support/http_sink.h"
#include "notify/notifier.h"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// Process CPU seconds (user + system), to report throughput per CPU-second
// when the machine is shared.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

asio::awaitable<void> RawClient(int port, int count, int* failures) {
  auto ex = co_await asio::this_coro::executor;
  boost::beast::tcp_stream stream(ex);
  co_await stream.async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)),
      asio::use_awaitable);
  stream.socket().set_option(asio::ip::tcp::no_delay(true));
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < count; ++i) {
    http::request<http::string_body> req{http::verb::post, "/bench", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.set("Idempotency-Key", "bench-" + std::to_string(i));
    req.body() = R"({"idempotency_key":"bench","kind":"callout","text":"hello"})";
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    if (res.result_int() != 200) ++*failures;
  }
}

double SinkAlone(int n, int c, int sink_threads, bool record) {
  muster::testing::HttpSink sink(sink_threads, record);
  asio::io_context ioc;
  int failures = 0;
  auto start = Clock::now();
  double cpu0 = CpuSeconds();
  for (int i = 0; i < c; ++i) {
    int count = n / c + (i < n % c ? 1 : 0);
    asio::co_spawn(ioc, RawClient(sink.port(), count, &failures), asio::detached);
  }
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (failures != 0 || sink.request_count() != n) {
    std::fprintf(stderr, "sink alone: %d failures, %lld requests seen\n", failures,
                 static_cast<long long>(sink.request_count()));
  }
  double cpu = CpuSeconds() - cpu0;
  std::printf(
      "sink alone:       %d requests over %d connections in %.3f s = %.0f requests/s "
      "(%.2f CPU s, client included)\n",
      n, c, secs, n / secs, cpu);
  return n / secs;
}

double ThroughNotifier(int n, int c, int sink_threads, bool record) {
  muster::testing::HttpSink sink(sink_threads, record);
  asio::io_context ioc;
  muster::NotifierSpec spec{
      "bench", "webhook", {{"url", sink.url("/hook")}, {"secret", std::string("bench")}}};
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
  if (failed != 0) std::fprintf(stderr, "webhook: %d sends failed\n", failed);
  double cpu = CpuSeconds() - cpu0;
  std::printf(
      "webhook notifier: %d messages, %d in flight, %lld connections, in %.3f s = %.0f "
      "requests/s (%.2f CPU s, sink included)\n",
      n, c, static_cast<long long>(sink.connections()), secs, n / secs, cpu);
  notifier.Shutdown();
  ioc.poll();
  return n / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  int c = argc > 2 ? std::atoi(argv[2]) : 64;
  int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  bool record = argc > 4 ? std::atoi(argv[4]) != 0 : true;
  std::printf("N=%d C=%d sink_threads=%d record=%d\n", n, c, threads, record ? 1 : 0);
  SinkAlone(n, c, threads, record);
  ThroughNotifier(n, c, threads, record);
  return 0;
}

// The webhook backend with HTTP/1.1 pipelining (`pipeline` > 1) against the
// real loopback HttpSink (Boost.Beast, which answers pipelined requests in
// order): answers reach the right messages, connections are shared, and
// closing, hanging and missing servers behave as without pipelining.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "notify_test_util.h"
#include "support/http_sink.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;
using muster::testing::HttpSink;
using muster::testing::RecordedRequest;
using muster::testing::SinkResponse;

namespace {

// Sends `n` messages at once (keys "k-0" ...) and waits for every result.
std::map<std::string, SendResult> SendAll(Notifier& notifier, boost::asio::io_context& ioc, int n,
                                          const std::string& url = "") {
  std::map<std::string, SendResult> results;
  for (int i = 0; i < n; ++i) {
    Message m = SampleMessage(ChannelKind::kWebhook, url);
    m.idempotency_key = "k-" + std::to_string(i);
    notifier.Send(m, [&results, key = m.idempotency_key](SendResult r) {
      CHECK(results.count(key) == 0);  // one result per message
      results[key] = r;
    });
  }
  RunUntil(ioc, [&] { return static_cast<int>(results.size()) == n; });
  return results;
}

}  // namespace

TEST_CASE("pipelined webhook: each message gets its own answer over few connections") {
  HttpSink sink;
  // Every third key is refused with 503, every seventh with 404: a mix-up
  // of answers between pipelined requests would show as wrong outcomes.
  sink.SetHandler([](const RecordedRequest& r) -> std::optional<SinkResponse> {
    int i = std::stoi(r.Header("Idempotency-Key").substr(2));
    if (i % 3 == 0) return SinkResponse{503, "{}", "application/json"};
    if (i % 7 == 0) return SinkResponse{404, "{}", "application/json"};
    return std::nullopt;
  });
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url("/p")}, {"pipeline", int64_t{8}}}), ioc);
  auto results = SendAll(*n, ioc, 300);
  for (const auto& [key, r] : results) {
    int i = std::stoi(key.substr(2));
    INFO(key << " " << r.detail);
    if (i % 3 == 0) {
      CHECK(r.outcome == SendOutcome::kRetry);
      CHECK(r.detail == "HTTP 503 Service Unavailable");
    } else if (i % 7 == 0) {
      CHECK(r.outcome == SendOutcome::kPermanent);
    } else {
      CHECK(r.outcome == SendOutcome::kDelivered);
    }
  }
  // 300 in flight at once, 8 per connection: at most 38 connections (one at
  // a time would need 300).
  CHECK(sink.request_count() == 300);
  CHECK(sink.connections() <= 38);
  std::set<std::string> keys;
  for (const auto& q : sink.requests()) {
    keys.insert(q.Header("Idempotency-Key"));
    CHECK(q.target == "/p");
    CHECK(q.Header("Host") == "127.0.0.1:" + std::to_string(sink.port()));
    CHECK(q.Header("Content-Type") == "application/json");
  }
  CHECK(keys.size() == 300);

  // Later messages reuse the open connections.
  int64_t before = sink.connections();
  auto again = SendAll(*n, ioc, 20);
  CHECK(sink.connections() == before);
  CHECK(sink.request_count() == 320);
}

TEST_CASE("pipelined webhook: a server closing after every answer still gets every message") {
  HttpSink sink;
  sink.SetCloseAfterResponse(true);
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url()}, {"pipeline", int64_t{4}}}), ioc);
  auto results = SendAll(*n, ioc, 20);
  for (const auto& [key, r] : results) {
    INFO(key << " " << r.detail);
    CHECK(r.outcome == SendOutcome::kDelivered);
  }
  // Each connection answers one request; the rest are sent again. (The
  // sink closing with requests still unread makes the kernel reset the
  // connection, which can cost the client an answer already sent: that
  // request is then sent again, with its key. So: every key, maybe twice.)
  std::set<std::string> keys;
  for (const auto& q : sink.requests()) keys.insert(q.Header("Idempotency-Key"));
  CHECK(keys.size() == 20);
  CHECK(sink.request_count() >= 20);
  CHECK(sink.connections() >= 20);
}

TEST_CASE("pipelined webhook to a hanging server times out, and shutdown ends the rest") {
  HttpSink sink;
  sink.SetHang(true);
  boost::asio::io_context ioc;
  {
    auto n = Make(
        LoopbackHook({{"url", sink.url()}, {"pipeline", int64_t{4}}, {"timeout_ms", int64_t{300}}}),
        ioc);
    auto results = SendAll(*n, ioc, 6);
    for (const auto& [key, r] : results) {
      INFO(key);
      CHECK(r.outcome == SendOutcome::kRetry);
      CHECK(r.detail == "timed out after 300 ms");
    }
  }
  auto n =
      Make(LoopbackHook(
               {{"url", sink.url()}, {"pipeline", int64_t{4}}, {"timeout_ms", int64_t{120000}}}),
           ioc);
  std::map<int, SendResult> stuck;
  int64_t seen = sink.request_count();
  for (int i = 0; i < 6; ++i) n->Send(SampleMessage(), [&stuck, i](SendResult r) { stuck[i] = r; });
  RunUntil(ioc, [&] { return sink.request_count() >= seen + 1; });
  CHECK(stuck.empty());  // waiting on their 120 s timeout
  n->Shutdown();
  RunUntil(ioc, [&] { return stuck.size() == 6; });
  for (const auto& [i, r] : stuck) {
    CHECK(r.outcome == SendOutcome::kRetry);
    CHECK(r.detail == "shut down");
  }
}

TEST_CASE("pipelined webhook to a closed port is a retry naming the address") {
  boost::asio::io_context ioc;
  int port = 0;
  {
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto n = Make(LoopbackHook({{"url", url}, {"pipeline", int64_t{4}}}), ioc);
  auto results = SendAll(*n, ioc, 10);
  for (const auto& [key, r] : results) {
    CHECK(r.outcome == SendOutcome::kRetry);
    CHECK(r.detail == "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  }
}

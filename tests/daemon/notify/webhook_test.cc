#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <catch2/catch.hpp>

#include "digest/hash.h"
#include "notify/webhook_notifier.h"
#include "notify_test_util.h"
#include "support/http_sink.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;
using muster::testing::HttpSink;

namespace {

// A loopback port with nothing listening on it.
int ClosedPort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  int port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("webhook body is the JSON nlohmann::json writes, invalid UTF-8 replaced") {
  Message m;
  m.idempotency_key = "muster-a7-r42";
  m.kind = MessageKind::kStandDown;
  m.activation_id = 7;
  m.callout_id = 123456789012;
  m.reservist_id = 42;
  m.subject = "Muster: \"Tewkesbury\" \\ floods";
  m.text =
      std::string("line 1\nline 2\t\x01\x1f\b\f\r end \xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x92 \x7f");
  m.accept_url = "http://127.0.0.1:7071/r/abc/accept";
  m.decline_url = "http://127.0.0.1:7071/r/abc/decline";
  auto reference = [](const Message& x) {
    nlohmann::ordered_json j;
    j["idempotency_key"] = x.idempotency_key;
    j["kind"] = MessageKindName(x.kind);
    j["activation_id"] = x.activation_id;
    j["callout_id"] = x.callout_id;
    j["reservist_id"] = x.reservist_id;
    j["name"] = x.reservist_name;
    j["subject"] = x.subject;
    j["text"] = x.text;
    j["accept_url"] = x.accept_url;
    j["decline_url"] = x.decline_url;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (std::string name : {std::string("Jo Bloggs"), std::string("Zo\xc3\xab"),
                           std::string("bad \xc3 byte"), std::string("overlong \xc0\xaf"),
                           std::string("surrogate \xed\xa0\x80"), std::string("cut \xe2\x82")}) {
    m.reservist_name = name;
    CHECK(WebhookBody(m) == reference(m));
  }
}

TEST_CASE("webhook posts the JSON body with idempotency key and verifiable signature") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url("/muster/hook?x=1")},
                              {"secret", std::string("s3cret")},
                              {"headers", std::vector<std::string>{"X-Team: glos"}}}),
                ioc);
  Message m = SampleMessage();
  m.text = "Line one \"quoted\"\nLine two: Überschwemmung";
  SendResult r = SendAndWait(*n, ioc, m);
  CHECK(r.outcome == SendOutcome::kDelivered);
  CHECK(r.detail.empty());

  auto reqs = sink.requests();
  REQUIRE(reqs.size() == 1);
  const auto& q = reqs[0];
  CHECK(q.method == "POST");
  CHECK(q.target == "/muster/hook?x=1");
  CHECK(q.Header("Host") == "127.0.0.1:" + std::to_string(sink.port()));
  CHECK(q.Header("Content-Type") == "application/json");
  CHECK(q.Header("Idempotency-Key") == "co-42-7f3a");
  CHECK(q.Header("X-Team") == "glos");
  // The signature covers "<timestamp>.<body>", the timestamp is this
  // attempt's (unix seconds), and neither verifies without the other.
  const std::string ts = q.Header("X-Muster-Timestamp");
  REQUIRE(!ts.empty());
  REQUIRE(ts.find_first_not_of("0123456789") == std::string::npos);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  CHECK(std::abs(std::stoll(ts) - now) <= 5);
  CHECK(q.Header("X-Muster-Signature") == "sha256=" + HmacSha256Hex("s3cret", ts + "." + q.body));
  CHECK(q.Header("X-Muster-Signature") != "sha256=" + HmacSha256Hex("s3cret", q.body));
  CHECK(q.Header("X-Muster-Signature") !=
        "sha256=" + HmacSha256Hex("s3cret", std::to_string(std::stoll(ts) - 600) + "." + q.body));
  CHECK(q.Header("X-Muster-Signature") != "sha256=" + HmacSha256Hex("other", ts + "." + q.body));

  auto j = nlohmann::json::parse(q.body);
  CHECK(j["idempotency_key"] == "co-42-7f3a");
  CHECK(j["kind"] == "callout");
  CHECK(j["activation_id"] == 3);
  CHECK(j["callout_id"] == 42);
  CHECK(j["reservist_id"] == 1007);
  CHECK(j["name"] == "Alex Example");
  CHECK(j["subject"] == m.subject);
  CHECK(j["text"] == m.text);
  CHECK(j["accept_url"] == "http://x/a/1");
  CHECK(j["decline_url"] == "http://x/d/1");
}

TEST_CASE("webhook over HTTPS: the certificate is verified, then requests share a connection") {
  muster::testing::TempDir dir;
  MakeCert(dir);
  HttpSink sink(1, true, muster::testing::SinkTlsFiles{dir.File("cert.pem"), dir.File("key.pem")});
  REQUIRE_THAT(sink.url(), Catch::StartsWith("https://127.0.0.1:"));
  boost::asio::io_context ioc;

  SECTION("trusted through ca_file: delivered, signed, keep-alive") {
    auto n = Make(LoopbackHook({{"url", sink.url("/tls")},
                                {"secret", std::string("s3cret")},
                                {"ca_file", dir.File("cert.pem")}}),
                  ioc);
    for (int i = 0; i < 3; ++i) {
      SendResult r = SendAndWait(*n, ioc, SampleMessage());
      CHECK(r.outcome == SendOutcome::kDelivered);
    }
    auto reqs = sink.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].target == "/tls");
    CHECK(reqs[2].Header("X-Muster-Signature") ==
          WebhookSignature("s3cret", reqs[2].Header("X-Muster-Timestamp"), reqs[2].body));
    CHECK(sink.connections() == 1);
    CHECK(sink.failed_handshakes() == 0);
  }
  SECTION("an untrusted certificate is refused before anything is sent (a retry)") {
    auto n = Make(LoopbackHook({{"url", sink.url("/tls")}}), ioc);
    SendResult r = SendAndWait(*n, ioc, SampleMessage());
    CHECK(r.outcome == SendOutcome::kRetry);
    CHECK_FALSE(r.detail.empty());
    CHECK(sink.request_count() == 0);
  }
  SECTION("a trusted certificate must also name the host") {
    // One for localhost only: trusted, but 127.0.0.1 is not a name in it.
    muster::testing::TempDir other;
    MakeCert(other, "DNS:localhost");
    HttpSink named(1, true,
                   muster::testing::SinkTlsFiles{other.File("cert.pem"), other.File("key.pem")});
    auto n = Make(LoopbackHook({{"ca_file", other.File("cert.pem")}}), ioc);
    const std::string port = std::to_string(named.port());
    SendResult by_ip = SendAndWait(
        *n, ioc, SampleMessage(ChannelKind::kWebhook, "https://127.0.0.1:" + port + "/a"));
    CHECK(by_ip.outcome == SendOutcome::kRetry);
    CHECK(named.request_count() == 0);
    // The client gave up in the handshake (the sink notices a moment later).
    CHECK(named.WaitFor([&] { return named.failed_handshakes() == 1; }, std::chrono::seconds(5)));
    CHECK(SendAndWait(*n, ioc,
                      SampleMessage(ChannelKind::kWebhook, "https://localhost:" + port + "/b"))
              .outcome == SendOutcome::kDelivered);
    CHECK(named.request_count() == 1);
  }
}

TEST_CASE("webhook without url posts to the channel address and a bad address is permanent") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook(), ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage(ChannelKind::kWebhook, sink.url("/person/7")));
  CHECK(r.outcome == SendOutcome::kDelivered);
  REQUIRE(sink.request_count() == 1);
  CHECK(sink.requests()[0].target == "/person/7");
  CHECK(sink.requests()[0].Header("X-Muster-Signature").empty());

  SendResult bad = SendAndWait(*n, ioc, SampleMessage(ChannelKind::kWebhook, "mailto:a@b"));
  CHECK(bad.outcome == SendOutcome::kPermanent);
  CHECK_THAT(bad.detail, Catch::Contains("http://"));
}

TEST_CASE("webhook maps HTTP statuses to outcomes") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url()}}), ioc);
  Message m = SampleMessage();

  sink.FailNext(500, 2);
  for (int i = 0; i < 2; ++i) {
    SendResult r = SendAndWait(*n, ioc, m);
    CHECK(r.outcome == SendOutcome::kRetry);
    CHECK(r.detail == "HTTP 500 Internal Server Error");
  }
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kDelivered);

  sink.FailNext(503, 1);
  CHECK(SendAndWait(*n, ioc, m).detail == "HTTP 503 Service Unavailable");
  sink.FailNext(429, 1);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kRetry);
  sink.FailNext(408, 1);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kRetry);

  sink.FailNext(404, 1);
  SendResult nf = SendAndWait(*n, ioc, m);
  CHECK(nf.outcome == SendOutcome::kPermanent);
  CHECK(nf.detail == "HTTP 404 Not Found");
  sink.FailNext(410, 1);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kPermanent);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kDelivered);
  CHECK(sink.request_count() == 9);
}

TEST_CASE("webhook to a hanging server times out as retry") {
  HttpSink sink;
  sink.SetHang(true);
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url()}, {"timeout_ms", int64_t{300}}}), ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage());
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "timed out after 300 ms");
  CHECK(sink.request_count() == 1);  // it did arrive; no answer came
}

TEST_CASE("a hanging webhook does not block other sends and shutdown ends it as retry") {
  HttpSink hanging, healthy;
  hanging.SetHang(true);
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"timeout_ms", int64_t{120000}}}), ioc);
  std::optional<SendResult> stuck, fine;
  n->Send(SampleMessage(ChannelKind::kWebhook, hanging.url()), [&](SendResult r) { stuck = r; });
  RunUntil(ioc, [&] { return hanging.request_count() == 1; });
  n->Send(SampleMessage(ChannelKind::kWebhook, healthy.url()), [&](SendResult r) { fine = r; });
  RunUntil(ioc, [&] { return fine.has_value(); });
  CHECK(fine->outcome == SendOutcome::kDelivered);
  CHECK(!stuck.has_value());  // still waiting on its 120 s timeout
  n->Shutdown();
  RunUntil(ioc, [&] { return stuck.has_value(); });
  CHECK(stuck->outcome == SendOutcome::kRetry);
  CHECK(stuck->detail == "shut down");
}

TEST_CASE("webhook connection refused is a retry naming the address") {
  int port = ClosedPort();
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", "http://127.0.0.1:" + std::to_string(port) + "/"}}), ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage());
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE("webhook reuses keep-alive connections") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url()}}), ioc);
  for (int i = 0; i < 10; ++i) {
    CHECK(SendAndWait(*n, ioc, SampleMessage()).outcome == SendOutcome::kDelivered);
  }
  CHECK(sink.request_count() == 10);
  CHECK(sink.connections() == 1);

  // 40 at once: at most 40 connections, and later waves reuse them.
  int done = 0;
  for (int wave = 0; wave < 3; ++wave) {
    for (int i = 0; i < 40; ++i) {
      n->Send(SampleMessage(), [&](SendResult r) {
        CHECK(r.outcome == SendOutcome::kDelivered);
        ++done;
      });
    }
    RunUntil(ioc, [&] { return done == 40 * (wave + 1); });
  }
  CHECK(sink.request_count() == 130);
  CHECK(sink.connections() <= 41);
  CHECK(sink.connections() < sink.request_count());
}

TEST_CASE("webhook retries once on a fresh connection when a pooled one was closed") {
  HttpSink sink;
  sink.SetCloseAfterResponse(true);
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", sink.url()}}), ioc);
  for (int i = 0; i < 3; ++i) {
    SendResult r = SendAndWait(*n, ioc, SampleMessage());
    INFO(r.detail);
    CHECK(r.outcome == SendOutcome::kDelivered);
  }
  CHECK(sink.request_count() == 3);
  CHECK(sink.connections() == 3);
}

TEST_CASE("webhook to a server gone away is a retry naming the address") {
  boost::asio::io_context ioc;
  auto sink = std::make_unique<HttpSink>();
  int port = sink->port();
  auto n = Make(LoopbackHook({{"url", sink->url()}}), ioc);
  CHECK(SendAndWait(*n, ioc, SampleMessage()).outcome == SendOutcome::kDelivered);
  sink.reset();  // closes the pooled connection's far end, and the listener
  SendResult r = SendAndWait(*n, ioc, SampleMessage());
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE(
    "webhooks refuse internal addresses after resolving them unless allow_networks lists them") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto strict = Make(Spec("hook", "webhook"), ioc);
  const std::string port = std::to_string(sink.port());
  // Literals, and a name that resolves to loopback: refused before any
  // byte is sent, for good (kPermanent), naming the address, not a reply.
  for (const std::string& target : std::vector<std::string>{
           "http://127.0.0.1:" + port + "/x", "http://localhost:" + port + "/x",
           "http://[::ffff:127.0.0.1]:" + port + "/x", "http://169.254.169.254/latest/meta-data/",
           "http://[fd00:ec2::254]/latest/meta-data/", "http://10.0.0.1/",
           "http://0.0.0.0:" + port}) {
    INFO(target);
    SendResult r = SendAndWait(*strict, ioc, SampleMessage(ChannelKind::kWebhook, target));
    CHECK(r.outcome == SendOutcome::kPermanent);
    CHECK_THAT(r.detail, Catch::StartsWith("refused to connect to "));
    CHECK_THAT(r.detail, Catch::Contains("(not in allow_networks)"));
  }
  CHECK(sink.request_count() == 0);
  CHECK(sink.connections() == 0);

  // An operator's allow-list opens exactly what it names.
  auto other_net = Make(
      Spec("hook", "webhook", {{"allow_networks", std::vector<std::string>{"10.0.0.0/8", "::1"}}}),
      ioc);
  CHECK(
      SendAndWait(*other_net, ioc, SampleMessage(ChannelKind::kWebhook, sink.url("/x"))).outcome ==
      SendOutcome::kPermanent);
  auto allowed = Make(LoopbackHook(), ioc);
  CHECK(SendAndWait(*allowed, ioc, SampleMessage(ChannelKind::kWebhook, sink.url("/x"))).outcome ==
        SendOutcome::kDelivered);
  CHECK(sink.request_count() == 1);

  auto bad = FindNotifierFactory("webhook")(
      Spec("hook", "webhook", {{"allow_networks", std::vector<std::string>{"10.0.0.0/33"}}}),
      ioc.get_executor());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().field() == "notifiers.hook.allow_networks");
}

TEST_CASE("a receiver's reason phrase and body never reach the failure detail") {
  // A raw server: one answer with its own reason phrase and a body.
  namespace asio = boost::asio;
  asio::io_context server_io;
  asio::ip::tcp::acceptor acceptor(server_io, {asio::ip::make_address("127.0.0.1"), 0});
  const int port = acceptor.local_endpoint().port();
  std::thread server([&] {
    asio::ip::tcp::socket s(server_io);
    acceptor.accept(s);
    asio::streambuf in;
    asio::read_until(s, in, "\r\n\r\n");
    const std::string body = "root:x:0:0: what an internal service said";
    asio::write(s,
                asio::buffer("HTTP/1.1 500 db password is hunter2\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body));
    boost::system::error_code ignored;
    s.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  });
  boost::asio::io_context ioc;
  auto n = Make(LoopbackHook({{"url", "http://127.0.0.1:" + std::to_string(port) + "/"}}), ioc);
  SendResult r = SendAndWait(*n, ioc, SampleMessage());
  server.join();
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "HTTP 500 Internal Server Error");
}

// HttpServer on a real loopback port, driven by a Beast client.
#include "http/http_server.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "http/health_endpoints.h"
#include "http_test_client.h"
#include "metrics/metrics.h"
#include "prometheus_parser.h"

using namespace muster;
using muster::testing::HttpReply;
using muster::testing::HttpTestClient;

namespace {

// A server on 127.0.0.1:0 with its own registry.
struct ServerFixture {
  metrics::Registry registry;
  std::unique_ptr<http::HttpServer> server;

  explicit ServerFixture(http::HttpServer::Options options = {}) {
    options.registry = &registry;
    auto started = http::HttpServer::Start("127.0.0.1:0", options);
    REQUIRE(started.ok());
    server = std::move(started).value();
    REQUIRE(server->port() > 0);
  }

  HttpReply Get(const std::string& target) {
    return HttpTestClient(server->port()).Send("GET", target);
  }
};

http::Handler Echo(std::string tag) {
  return [tag](const http::Request& r) { return http::Response::Text(200, tag + " " + r.path); };
}

// Polls `cond` every 10 ms for up to 20 s.
template <typename F>
bool WaitFor(F cond) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace

TEST_CASE("server: exact and prefix routes, 404, 405 and HEAD") {
  ServerFixture f;
  f.server->Handle("GET", "/healthz", Echo("exact"));
  f.server->Handle("GET", "/r/*", Echo("star"));
  f.server->Handle("POST", "/r/*", Echo("post-star"));
  f.server->Handle("GET", "/r/special/", Echo("longer"));
  f.server->Handle("GET", "/dir/", Echo("slash"));

  HttpTestClient c(f.server->port());
  CHECK(c.Send("GET", "/healthz").body == "exact /healthz");
  CHECK(c.Send("GET", "/r/abc/accept").body == "star /r/abc/accept");
  CHECK(c.Send("POST", "/r/abc/accept").body == "post-star /r/abc/accept");
  CHECK(c.Send("GET", "/r/special/x").body == "longer /r/special/x");
  CHECK(c.Send("GET", "/dir/a/b").body == "slash /dir/a/b");
  CHECK(c.Send("GET", "/healthz/extra").status == 404);
  CHECK(c.Send("GET", "/nothing").status == 404);
  CHECK(c.Send("GET", "/dir").status == 404);  // the prefix is "/dir/"

  HttpReply wrong = c.Send("DELETE", "/healthz");
  CHECK(wrong.status == 405);
  CHECK(wrong.Header("allow") == "GET, HEAD");

  HttpReply head = c.Send("HEAD", "/healthz");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.Header("content-length") == std::to_string(std::string("exact /healthz").size()));
  // Still usable after HEAD (the HEAD reply had no body on the wire).
  CHECK(c.Send("GET", "/healthz").body == "exact /healthz");

  // A route added while serving is picked up; re-registering replaces.
  f.server->Handle("GET", "/late", Echo("late"));
  CHECK(c.Send("GET", "/late").body == "late /late");
  f.server->Handle("GET", "/late", Echo("later"));
  CHECK(c.Send("GET", "/late").body == "later /late");
}

TEST_CASE("server: path decoding, query and form parsing, headers and remote address") {
  ServerFixture f;
  std::mutex mu;
  http::Request seen;
  f.server->Handle("POST", "/form/*", [&](const http::Request& r) {
    std::lock_guard lock(mu);
    seen = r;
    auto form = http::ParseFormUrlEncoded(r.body);
    return http::Response::Text(200, form["from"] + "|" + form["text"]);
  });
  HttpTestClient c(f.server->port());
  HttpReply reply =
      c.Send("POST", "/form/a%20b%2Fc?x=1&y=two+words&x=2&flag&e=%3D%26",
             "from=%2B447700900123&text=YES+please&empty=", "application/x-www-form-urlencoded");
  REQUIRE(reply.status == 200);
  CHECK(reply.body == "+447700900123|YES please");
  std::lock_guard lock(mu);
  CHECK(seen.method == "POST");
  CHECK(seen.path == "/form/a b/c");
  CHECK(seen.query.at("x") == "1");  // first value wins
  CHECK(seen.query.at("y") == "two words");
  CHECK(seen.query.at("flag").empty());
  CHECK(seen.query.at("e") == "=&");
  CHECK(seen.Header("content-type") == "application/x-www-form-urlencoded");
  CHECK(seen.Header("host") == "127.0.0.1");
  CHECK(seen.remote_address.rfind("127.0.0.1:", 0) == 0);

  auto form = http::ParseFormUrlEncoded("a=1&&b=%zz&c=%41%42");
  CHECK(form.at("a") == "1");
  CHECK(form.at("b") == "%zz");  // malformed escapes kept literally
  CHECK(form.at("c") == "AB");
  std::string path;
  CHECK_FALSE(http::DecodePath("/bad%2", &path));
  CHECK(c.Send("GET", "/bad%zzpath").status == 400);
}

TEST_CASE("server: keep-alive serves several requests on one connection") {
  ServerFixture f;
  std::mutex mu;
  std::set<std::string> remotes;
  f.server->Handle("GET", "/who", [&](const http::Request& r) {
    std::lock_guard lock(mu);
    remotes.insert(r.remote_address);
    return http::Response::Text(200, r.remote_address);
  });
  HttpTestClient c(f.server->port());
  for (int i = 0; i < 5; ++i) {
    HttpReply reply = c.Send("GET", "/who");
    CHECK(reply.status == 200);
    CHECK(reply.Header("connection") != "close");
  }
  CHECK(remotes.size() == 1);  // one client port: the same connection throughout
  CHECK(f.server->open_connections() == 1);

  // "Connection: close" is honoured: the server closes after replying.
  HttpReply last = c.Send("GET", "/who", "", "", /*keep_alive=*/false);
  CHECK(last.status == 200);
  CHECK(c.ReadUntilClosed());
  CHECK(WaitFor([&] { return f.server->open_connections() == 0; }));
}

TEST_CASE("server: bodies over the limit get 413, at the limit are served") {
  ServerFixture f;
  f.server->Handle("POST", "/sink", [](const http::Request& r) {
    return http::Response::Text(200, std::to_string(r.body.size()));
  });
  {
    HttpTestClient c(f.server->port());
    HttpReply ok = c.Send("POST", "/sink", std::string(64 * 1024, 'a'), "text/plain");
    CHECK(ok.status == 200);
    CHECK(ok.body == "65536");
  }
  {
    HttpTestClient c(f.server->port());
    HttpReply big = c.Send("POST", "/sink", std::string(64 * 1024 + 1, 'a'), "text/plain");
    CHECK(big.status == 413);
    CHECK(big.Header("connection") == "close");
  }
  {
    // Chunked bodies are limited too.
    HttpTestClient c(f.server->port());
    std::string chunk(40 * 1024, 'b');
    char size[16];
    snprintf(size, sizeof size, "%zx", chunk.size());
    c.WriteRaw(std::string("POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") +
               size + "\r\n" + chunk + "\r\n" + size + "\r\n" + chunk + "\r\n0\r\n\r\n");
    CHECK(c.Read().status == 413);
  }
}

TEST_CASE("server: a client that stalls mid-headers is disconnected after the read timeout") {
  http::HttpServer::Options options;
  options.read_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::milliseconds(200);
  ServerFixture f(options);
  f.server->Handle("GET", "/healthz", Echo("ok"));
  HttpTestClient slow(f.server->port());
  slow.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the headers
  std::string data;
  CHECK(slow.ReadUntilClosed(&data));  // closed by the server, not by our 20 s bound
  CHECK(data.find("200") == std::string::npos);
  // An idle keep-alive connection is closed the same way.
  HttpTestClient idle(f.server->port());
  CHECK(idle.Send("GET", "/healthz").status == 200);
  CHECK(idle.ReadUntilClosed());
  // The server still serves.
  CHECK(f.Get("/healthz").status == 200);
}

TEST_CASE("server: a throwing handler gives 500 and the server keeps serving") {
  ServerFixture f;
  f.server->Handle("GET", "/boom", [](const http::Request&) -> http::Response {
    throw std::runtime_error("handler failure");
  });
  f.server->Handle("GET", "/int", [](const http::Request&) -> http::Response { throw 42; });
  f.server->Handle("GET", "/ok", Echo("ok"));
  HttpTestClient c(f.server->port());
  CHECK(c.Send("GET", "/boom").status == 500);
  CHECK(c.Send("GET", "/int").status == 500);
  CHECK(c.Send("GET", "/ok").status == 200);  // same connection still works
  CHECK(f.Get("/ok").status == 200);
}

TEST_CASE("server: concurrent clients are all served") {
  http::HttpServer::Options options;
  options.threads = 3;
  ServerFixture f(options);
  std::atomic<int> handled{0};
  f.server->Handle("POST", "/count", [&](const http::Request& r) {
    ++handled;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // like a small SQLite write
    return http::Response::Text(200, r.body);
  });
  constexpr int kClients = 8, kRequests = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      HttpTestClient c(f.server->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i);
        HttpReply r = c.Send("POST", "/count", body, "text/plain");
        if (r.status == 200 && r.body == body) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good == kClients * kRequests);
  CHECK(handled == kClients * kRequests);
}

TEST_CASE("server: connections over the limit get 503") {
  http::HttpServer::Options options;
  options.max_connections = 2;
  options.reserved_connections = 0;  // the health reserve: connection_limits_test.cc
  ServerFixture f(options);
  f.server->Handle("GET", "/ok", Echo("ok"));
  HttpTestClient a(f.server->port()), b(f.server->port());
  CHECK(a.Send("GET", "/ok").status == 200);
  CHECK(b.Send("GET", "/ok").status == 200);
  HttpTestClient c(f.server->port());
  CHECK(c.Read().status == 503);
  // Once one closes, a new connection is served again.
  a.Send("GET", "/ok", "", "", false);
  CHECK(a.ReadUntilClosed());
  REQUIRE(WaitFor([&] { return f.server->open_connections() < 2; }));
  CHECK(f.Get("/ok").status == 200);
}

TEST_CASE("server: Stop closes open connections and is idempotent") {
  ServerFixture f;
  f.server->Handle("GET", "/ok", Echo("ok"));
  HttpTestClient c(f.server->port());
  CHECK(c.Send("GET", "/ok").status == 200);
  f.server->Stop();
  CHECK(c.ReadUntilClosed());
  f.server->Stop();
  CHECK_THROWS(HttpTestClient(f.server->port()).Send("GET", "/ok"));
}

TEST_CASE("server: bad listen addresses are rejected") {
  for (std::string bad :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "nohost:80", ":80", "127.0.0.1:x"}) {
    auto r = http::HttpServer::Start(bad);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == "http.listen");
  }
  ServerFixture f;
  auto clash = http::HttpServer::Start("127.0.0.1:" + std::to_string(f.server->port()));
  CHECK(clash.status().code() == Code::kUnavailable);
  auto v6 = http::HttpServer::Start("[::1]:0");
  if (v6.ok()) CHECK(v6.value()->port() > 0);  // hosts without IPv6 cannot bind it
}

TEST_CASE("server: healthz, readyz and metrics endpoints") {
  ServerFixture f;
  std::atomic<bool> ready{false};
  http::InstallHealthEndpoints(*f.server, f.registry, [&] {
    http::Readiness r;
    r.ready = ready;
    if (!r.ready) r.reasons = {"database: not open", "ranking index: loading"};
    return r;
  });
  f.registry
      .GetCounter("muster_test_events_total", "Test \\ events\nsecond line",
                  {{"kind", "quote\" back\\ nl\n"}})
      .Inc(2);
  int roster = 41;
  auto roster_gauge =
      f.registry.AddCallbackGauge("muster_test_roster", "Roster size.", {}, [&] { return roster; });

  HttpTestClient c(f.server->port());
  HttpReply health = c.Send("GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  HttpReply not_ready = c.Send("GET", "/readyz");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body == "not ready\ndatabase: not open\nranking index: loading\n");
  ready = true;
  HttpReply is_ready = c.Send("GET", "/readyz");
  CHECK(is_ready.status == 200);
  CHECK(is_ready.body == "ready\n");
  CHECK(c.Send("POST", "/metrics").status == 405);

  HttpReply m1 = c.Send("GET", "/metrics");
  REQUIRE(m1.status == 200);
  CHECK(m1.Header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  testing::PromText t1 = testing::ParsePrometheusText(m1.body);
  CHECK(t1.types.at("muster_http_requests_total") == "counter");
  CHECK(t1.types.at("muster_http_request_duration_seconds") == "histogram");
  CHECK(t1.Value("muster_http_requests_total", {{"route", "/healthz"}, {"code", "200"}}) == 1);
  CHECK(t1.Value("muster_http_requests_total", {{"route", "/readyz"}, {"code", "503"}}) == 1);
  CHECK(t1.Value("muster_http_requests_total", {{"route", "unmatched"}, {"code", "405"}}) == 1);
  CHECK(t1.Value("muster_test_events_total", {{"kind", "quote\" back\\ nl\n"}}) == 2);
  CHECK(t1.help.at("muster_test_events_total") == "Test \\\\ events\\nsecond line");
  CHECK(t1.Value("muster_test_roster") == 41);

  c.Send("GET", "/healthz");
  c.Send("HEAD", "/healthz");
  roster = 42;
  testing::PromText t2 = testing::ParsePrometheusText(c.Send("GET", "/metrics").body);
  CHECK(t2.Value("muster_http_requests_total", {{"route", "/healthz"}, {"code", "200"}}) == 3);
  CHECK(t2.Value("muster_http_request_duration_seconds_count", {{"route", "/healthz"}}) == 3);
  CHECK(t2.Value("muster_http_requests_total", {{"route", "/metrics"}, {"code", "200"}}) == 1);
  CHECK(t2.Value("muster_test_roster") == 42);
  roster_gauge.Reset();
  testing::PromText t3 = testing::ParsePrometheusText(c.Send("GET", "/metrics").body);
  CHECK(std::isnan(t3.Value("muster_test_roster")));
}

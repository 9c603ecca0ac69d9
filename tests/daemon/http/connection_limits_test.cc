// HttpServer under a connection flood: per-client limits, the idle timeout
// before a request's first byte, and health checks that a full server still
// answers. Clients come from several loopback addresses (127.0.0.x) so that
// "one client" and "another client" differ as they would on a network.
#include "http/http_server.h"

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "http_test_client.h"
#include "metrics/metrics.h"

using namespace muster;
using muster::testing::HttpReply;
using muster::testing::HttpTestClient;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct Server {
  metrics::Registry registry;
  std::unique_ptr<http::HttpServer> server;

  explicit Server(http::HttpServer::Options options) {
    options.registry = &registry;
    auto started = http::HttpServer::Start("127.0.0.1:0", options);
    REQUIRE(started.ok());
    server = std::move(started).value();
    auto ok = [](const http::Request& r) { return http::Response::Text(200, "ok " + r.path); };
    server->Handle("GET", "/healthz", ok);
    server->Handle("POST", "/r/*", ok);
  }
};

// Idle connections opened from `source` (e.g. "127.0.0.2") that send nothing.
struct IdleFlood {
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> sockets;

  IdleFlood(int port, const std::string& source, int count) {
    for (int i = 0; i < count; ++i) {
      auto s = std::make_unique<tcp::socket>(io);
      s->open(tcp::v4());
      s->bind(tcp::endpoint(asio::ip::make_address(source), 0));
      s->connect(
          tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
      sockets.push_back(std::move(s));
    }
  }
};

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

TEST_CASE("limits: one client's idle connections do not take answers or health checks away") {
  http::HttpServer::Options options;
  options.max_connections = 16;
  options.max_connections_per_client = 4;
  options.idle_timeout = std::chrono::seconds(30);  // the flood is not timed out during the test
  Server s(options);
  IdleFlood flood(s.server->port(), "127.0.0.2", 40);
  // The server has seen every flood connection (admitted or refused).
  REQUIRE(WaitFor([&] { return s.server->open_connections() >= 4; }));
  HttpTestClient answer(s.server->port());
  CHECK(answer.Send("POST", "/r/abc/accept", "x", "text/plain").status == 200);
  CHECK(HttpTestClient(s.server->port()).Send("GET", "/healthz").status == 200);
}

TEST_CASE("limits: a connection that sends nothing is closed after the idle timeout") {
  http::HttpServer::Options options;
  options.idle_timeout = std::chrono::milliseconds(200);
  options.read_timeout = std::chrono::seconds(30);  // the first byte has its own, shorter limit
  Server s(options);
  HttpTestClient silent(s.server->port());
  auto started = std::chrono::steady_clock::now();
  CHECK(silent.ReadUntilClosed());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  // A request that has begun gets read_timeout to finish, not idle_timeout.
  HttpTestClient slow(s.server->port());
  slow.WriteRaw("POST /r/abc/accept HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // longer than idle_timeout
  slow.WriteRaw("Content-Length: 1\r\n\r\nx");
  CHECK(slow.Read().status == 200);
}

TEST_CASE(
    "limits: a refused request's connection is closed within the drain time however the "
    "client trickles") {
  http::HttpServer::Options options;
  options.idle_timeout = std::chrono::seconds(30);
  options.read_timeout = std::chrono::seconds(30);
  Server s(options);
  HttpTestClient trickle(s.server->port());
  trickle.WriteRaw("GET nonsense HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(trickle.Read().status == 400);
  REQUIRE(s.server->open_connections() == 1);
  // One byte every 300 ms would keep a drain with a per-read deadline open
  // for ever; the drain's one 2 s deadline closes it.
  auto started = std::chrono::steady_clock::now();
  while (s.server->open_connections() > 0 &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(8)) {
    try {
      trickle.WriteRaw("x");
    } catch (const std::exception&) {
      break;  // the server has closed the connection
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  CHECK(s.server->open_connections() == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("limits: a full server still answers health checks on its reserved connections") {
  http::HttpServer::Options options;
  options.max_connections = 8;
  options.max_connections_per_client = 4;
  options.reserved_connections = 2;
  options.idle_timeout = std::chrono::seconds(30);
  Server s(options);
  // Two clients fill the server to max_connections.
  IdleFlood a(s.server->port(), "127.0.0.2", 4);
  IdleFlood b(s.server->port(), "127.0.0.3", 4);
  REQUIRE(WaitFor([&] { return s.server->open_connections() == 8; }));
  {
    HttpTestClient health(s.server->port());
    HttpReply r = health.Send("GET", "/healthz");
    CHECK(r.status == 200);
    CHECK(health.ReadUntilClosed());  // one request per reserved connection
  }
  {
    HttpTestClient other(s.server->port());
    CHECK(other.Send("POST", "/r/abc/accept", "x", "text/plain").status == 503);
  }
  REQUIRE(WaitFor([&] { return s.server->open_connections() == 8; }));
  // Beyond the reserve, everything is refused.
  IdleFlood c(s.server->port(), "127.0.0.4", 2);
  REQUIRE(WaitFor([&] { return s.server->open_connections() == 10; }));
  CHECK(HttpTestClient(s.server->port()).Read().status == 503);
}

TEST_CASE("limits: listen addresses are loopback only when they parse as loopback") {
  for (const char* yes :
       {"127.0.0.1:7071", "127.1.2.3:0", "localhost:80", "[::1]:7071", "[::ffff:127.0.0.1]:7071"}) {
    INFO(yes);
    CHECK(http::IsLoopbackListen(yes));
  }
  for (const char* no : {"127.evil.com:7071", "127.0.0.1.evil.com:80", "0.0.0.0:7071", "[::]:7071",
                         "10.0.0.1:7071", "128.0.0.1:80", "localhost.evil.com:80", "[::2]:80",
                         "example.org:80", "127.0.0.1", ":7071"}) {
    INFO(no);
    CHECK_FALSE(http::IsLoopbackListen(no));
  }
}

TEST_CASE("limits: an IPv6 client counts by its /64, a v4-mapped one by its IPv4 address") {
  CHECK(http::ClientKey("2001:db8:1:2::1") == "2001:db8:1:2::/64");
  CHECK(http::ClientKey("2001:db8:1:2:ffff:ffff:ffff:ffff") == http::ClientKey("2001:db8:1:2::7"));
  CHECK(http::ClientKey("2001:db8:1:3::1") != http::ClientKey("2001:db8:1:2::1"));
  CHECK(http::ClientKey("::ffff:192.0.2.1") == "192.0.2.1");
  CHECK(http::ClientKey("192.0.2.1") == "192.0.2.1");
  CHECK(http::ClientKey("::1") == "::/64");
  CHECK(http::ClientKey("") == "");
}

// Streamed responses (Server-Sent Events) on a real loopback HttpServer:
// the head goes out at once, writes arrive as they are made, and the
// writer learns when the client leaves or the server stops.
#include <sys/socket.h>
#include <sys/time.h>

#include <utility>

#include <atomic>
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <thread>

#include "http/http_server.h"
#include "metrics/metrics.h"

using namespace muster;
namespace asio = boost::asio;

namespace {

template <typename F>
bool WaitFor(F cond) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

// The handler's end of each stream, for the test to drive.
struct Streams {
  std::mutex mu;
  std::shared_ptr<http::ResponseStream> last;
  std::atomic<int> ended{0};
  http::Handler Handler() {
    return [this](const http::Request&) {
      http::Response r;
      r.content_type = "text/event-stream";
      r.headers.emplace_back("Cache-Control", "no-store");
      r.stream = [this](std::shared_ptr<http::ResponseStream> s) {
        s->OnEnd([this] { ++ended; });
        s->Write("data: hello\n\n");
        std::lock_guard lock(mu);
        last = std::move(s);
      };
      return r;
    };
  }
  std::shared_ptr<http::ResponseStream> Get() {
    std::lock_guard lock(mu);
    return last;
  }
};

struct Client {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::string data;
  explicit Client(int port) {
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    timeval tv{10, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    asio::write(socket, asio::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  // Reads until `text` has arrived; false at the end of the stream.
  bool ReadUntil(const std::string& text) {
    while (data.find(text) == std::string::npos) {
      char buf[1024];
      boost::system::error_code ec;
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) return false;
      data.append(buf, n);
    }
    return true;
  }
  bool ReadToEnd() {
    while (true) {
      char buf[1024];
      boost::system::error_code ec;
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
      data.append(buf, n);
    }
  }
};

std::unique_ptr<http::HttpServer> Start(metrics::Registry& registry) {
  http::HttpServer::Options options;
  options.registry = &registry;
  options.read_timeout = std::chrono::milliseconds(300);  // a stream outlives it
  auto started = http::HttpServer::Start("127.0.0.1:0", options);
  REQUIRE(started.ok());
  return std::move(started).value();
}

}  // namespace

TEST_CASE("a streamed response sends its head at once and each write as it comes", "[http]") {
  metrics::Registry registry;
  auto server = Start(registry);
  Streams streams;
  server->Handle("GET", "/events", streams.Handler());
  Client c(server->port());
  REQUIRE(c.ReadUntil("data: hello\n\n"));
  CHECK(c.data.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(c.data.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(c.data.find("Cache-Control: no-store\r\n") != std::string::npos);
  CHECK(c.data.find("Connection: close\r\n") != std::string::npos);
  CHECK(c.data.find("Content-Length") == std::string::npos);
  REQUIRE(WaitFor([&] { return streams.Get() != nullptr; }));
  // Longer than read_timeout: a stream has no deadline.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(streams.Get()->Write("data: later\n\n"));
  CHECK(c.ReadUntil("data: later\n\n"));
  streams.Get()->Close();
  CHECK(c.ReadToEnd());
  CHECK(WaitFor([&] { return streams.ended == 1; }));
  CHECK_FALSE(streams.Get()->Write("data: too late\n\n"));
}

TEST_CASE("a streamed response's writer learns when the client leaves or the server stops",
          "[http]") {
  metrics::Registry registry;
  auto server = Start(registry);
  Streams streams;
  server->Handle("GET", "/events", streams.Handler());
  {
    Client c(server->port());
    REQUIRE(c.ReadUntil("data: hello\n\n"));
  }  // the client closes
  CHECK(WaitFor([&] { return streams.ended == 1; }));
  CHECK(WaitFor([&] { return !streams.Get()->Write("x"); }));

  Client c(server->port());
  REQUIRE(c.ReadUntil("data: hello\n\n"));
  REQUIRE(WaitFor([&] { return streams.ended == 1 && streams.Get() != nullptr; }));
  server->Stop();
  CHECK(streams.ended == 2);
  CHECK(c.ReadToEnd());
}

TEST_CASE("a client that does not read is cut off, not buffered without end", "[http]") {
  metrics::Registry registry;
  auto server = Start(registry);
  Streams streams;
  server->Handle("GET", "/events", streams.Handler());
  Client c(server->port());
  REQUIRE(c.ReadUntil("data: hello\n\n"));
  REQUIRE(WaitFor([&] { return streams.Get() != nullptr; }));
  // The client reads nothing more; the kernel's buffers fill, then the queue.
  std::string chunk(64 * 1024, 'x');
  int accepted = 0;
  while (streams.Get()->Write(chunk) && accepted < 10000) ++accepted;
  CHECK(accepted < 10000);
  CHECK(WaitFor([&] { return streams.ended == 1; }));
}

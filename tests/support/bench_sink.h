// BenchSink: an HTTP/1.1 sink for benchmarks, written to cost as little CPU
// per request as possible so that it is not what a dispatch benchmark
// measures. Raw Boost.Asio (no Beast, no coroutines): one io_context per
// thread, connections spread over them; each connection reads into a flat
// buffer, finds the end of the headers, reads Content-Length and
// Idempotency-Key (case-insensitive) and skips the body; every complete
// request (pipelined ones too) gets the same canned keep-alive
// "200 OK {}", written in one go per read. Requests without Content-Length
// are taken as bodiless; chunked bodies are not supported (Muster's client
// never sends them).
//
// Counts requests and connections, remembers when the first request
// arrived, and counts distinct idempotency keys (so a benchmark can check
// that every call-out arrived and see the resends).
//
// BenchClient: the minimal keep-alive client used as the sink's baseline
// (same request shape as the webhook notifier's, prebuilt bytes, one request
// in flight per connection).
//
// Header-only; all public methods are thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

namespace muster::testing {

namespace bench_detail {

// Case-insensitive prefix match of a header line against "name:".
inline bool HeaderIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

inline std::string_view HeaderValue(std::string_view line, size_t name_len) {
  std::string_view v = line.substr(name_len + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Parses the head of one HTTP message in [data, data+size). Returns the
// whole message length (head + body) or 0 if incomplete. Sets *key to the
// Idempotency-Key value (empty if none).
inline size_t ParseMessage(const char* data, size_t size, std::string_view* key) {
  std::string_view all(data, size);
  size_t end = all.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  size_t head = end + 4;
  size_t body = 0;
  *key = {};
  size_t at = all.find("\r\n") + 2;  // skip the start line
  while (at < end) {
    size_t nl = all.find("\r\n", at);
    std::string_view line = all.substr(at, nl - at);
    if (HeaderIs(line, "content-length")) {
      std::string_view v = HeaderValue(line, 14);
      body = 0;
      for (char c : v) {
        if (c < '0' || c > '9') break;
        body = body * 10 + static_cast<size_t>(c - '0');
      }
    } else if (HeaderIs(line, "idempotency-key")) {
      *key = HeaderValue(line, 15);
    }
    at = nl + 2;
  }
  if (size < head + body) return 0;
  return head + body;
}

}  // namespace bench_detail

class BenchSink {
 public:
  explicit BenchSink(int threads = 1, bool track_keys = true)
      : track_keys_(track_keys), threads_n_(threads < 1 ? 1 : threads) {
    namespace asio = boost::asio;
    for (int i = 0; i < threads_n_; ++i) ios_.push_back(std::make_unique<asio::io_context>(1));
    acceptor_ = std::make_unique<tcp::acceptor>(*ios_[0]);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_->open(ep.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_->local_endpoint().port();
    Accept();
    for (int i = 0; i < threads_n_; ++i) {
      threads_.emplace_back([this, i] {
        auto guard = boost::asio::make_work_guard(*ios_[static_cast<size_t>(i)]);
        ios_[static_cast<size_t>(i)]->run();
      });
    }
  }
  ~BenchSink() {
    for (auto& io : ios_) io->stop();
    for (auto& t : threads_) t.join();
  }
  BenchSink(const BenchSink&) = delete;
  BenchSink& operator=(const BenchSink&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int64_t request_count() const { return count_.load(std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(); }
  // steady_clock nanoseconds (time_since_epoch) of the first request since
  // the last ResetFirst(), 0 if none yet.
  int64_t first_request_ns() const { return first_ns_.load(); }
  void ResetFirst() { first_ns_ = 0; }
  // Distinct Idempotency-Key values seen, and requests repeating a key.
  int64_t distinct_keys() const {
    std::lock_guard lock(keys_mu_);
    return static_cast<int64_t>(keys_.size());
  }
  int64_t repeated_keys() const { return repeated_.load(); }

 private:
  using tcp = boost::asio::ip::tcp;

  struct Session : std::enable_shared_from_this<Session> {
    Session(BenchSink& s, tcp::socket sock) : sink(s), socket(std::move(sock)) {
      buf.resize(64 * 1024);
    }
    BenchSink& sink;
    tcp::socket socket;
    std::vector<char> buf;
    size_t have = 0;
    std::string out;

    void Read() {
      if (have == buf.size()) buf.resize(buf.size() * 2);
      socket.async_read_some(
          boost::asio::buffer(buf.data() + have, buf.size() - have),
          [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
            if (ec) return;
            self->have += n;
            self->Consume();
          });
    }

    void Consume() {
      size_t at = 0;
      int64_t served = 0;
      while (true) {
        std::string_view key;
        size_t len = bench_detail::ParseMessage(buf.data() + at, have - at, &key);
        if (len == 0) break;
        sink.Count(key);
        ++served;
        at += len;
      }
      if (at > 0) {
        std::memmove(buf.data(), buf.data() + at, have - at);
        have -= at;
      }
      if (served == 0) return Read();
      out.clear();
      for (int64_t i = 0; i < served; ++i) out.append(kOk);
      boost::asio::async_write(
          socket, boost::asio::buffer(out),
          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
            if (!ec) self->Read();
          });
    }
  };

  static constexpr std::string_view kOk =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

  void Count(std::string_view key) {
    if (first_ns_.load(std::memory_order_relaxed) == 0) {
      int64_t expected = 0;
      first_ns_.compare_exchange_strong(
          expected, std::chrono::steady_clock::now().time_since_epoch().count());
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    if (!track_keys_ || key.empty()) return;
    std::lock_guard lock(keys_mu_);
    if (!keys_.emplace(key).second) ++repeated_;
  }

  void Accept() {
    size_t target = static_cast<size_t>(connections_.load()) % ios_.size();
    acceptor_->async_accept(*ios_[target],
                            [this](const boost::system::error_code& ec, tcp::socket socket) {
                              if (ec == boost::asio::error::operation_aborted) return;
                              if (!ec) {
                                ++connections_;
                                boost::system::error_code ignored;
                                socket.set_option(tcp::no_delay(true), ignored);
                                auto s = std::make_shared<Session>(*this, std::move(socket));
                                // Start on the socket's own thread.
                                boost::asio::post(s->socket.get_executor(), [s] { s->Read(); });
                              }
                              Accept();
                            });
  }

  const bool track_keys_;
  const int threads_n_;
  int port_ = 0;
  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> first_ns_{0};
  std::atomic<int64_t> repeated_{0};
  mutable std::mutex keys_mu_;
  std::unordered_set<std::string> keys_;
};

// The minimal client for the sink-alone baseline: `connections` keep-alive
// connections on one thread, one request in flight on each, POSTing a
// webhook-sized JSON body with a distinct Idempotency-Key, `total` requests
// in all. Returns the number of 200 answers.
class BenchClient {
 public:
  static int64_t Run(int port, int connections, int64_t total,
                     const std::string& key_prefix = "bench-") {
    BenchClient client(total, key_prefix);
    tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port));
    for (int i = 0; i < connections; ++i) {
      client.conns_.push_back(std::make_unique<Conn>(client, client.io_));
      Conn& c = *client.conns_.back();
      c.socket.connect(ep);
      c.socket.set_option(tcp::no_delay(true));
      c.SendNext();
    }
    client.io_.run();
    return client.ok_;
  }

 private:
  using tcp = boost::asio::ip::tcp;

  struct Conn {
    Conn(BenchClient& o, boost::asio::io_context& io) : owner(o), socket(io) {}
    BenchClient& owner;
    tcp::socket socket;
    std::string req;
    std::vector<char> buf = std::vector<char>(16 * 1024);
    size_t have = 0;

    void SendNext() {
      int64_t n = owner.started_++;
      if (n >= owner.total_) return;
      req.clear();
      req.append("POST /bench HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n");
      req.append("Content-Type: application/json\r\nIdempotency-Key: ");
      req.append(owner.prefix_).append(std::to_string(n));
      req.append("\r\nX-Muster-Signature: sha256=00\r\nContent-Length: ");
      req.append(std::to_string(owner.body_.size())).append("\r\n\r\n").append(owner.body_);
      boost::asio::async_write(socket, boost::asio::buffer(req),
                               [this](const boost::system::error_code& ec, size_t) {
                                 if (!ec) ReadAnswer();
                               });
    }

    void ReadAnswer() {
      socket.async_read_some(boost::asio::buffer(buf.data() + have, buf.size() - have),
                             [this](const boost::system::error_code& ec, size_t got) {
                               if (ec) return;
                               have += got;
                               std::string_view key;
                               size_t len = bench_detail::ParseMessage(buf.data(), have, &key);
                               if (len == 0) return ReadAnswer();
                               if (have > 12 && std::string_view(buf.data() + 9, 3) == "200") {
                                 ++owner.ok_;
                               }
                               std::memmove(buf.data(), buf.data() + len, have - len);
                               have -= len;
                               SendNext();
                             });
    }
  };

  BenchClient(int64_t total, std::string prefix) : total_(total), prefix_(std::move(prefix)) {}

  boost::asio::io_context io_{1};
  std::vector<std::unique_ptr<Conn>> conns_;
  const int64_t total_;
  const std::string prefix_;
  int64_t started_ = 0;
  int64_t ok_ = 0;
  const std::string body_ =
      R"({"idempotency_key":"muster-a1-r1","kind":"callout","activation_id":1,"callout_id":1,)"
      R"("reservist_id":1,"name":"Bench Person","subject":"Muster call-out: bench","text":)"
      R"("You are asked to help. Accept: http://127.0.0.1:7071/r/0123456789abcdef/accept",)"
      R"("accept_url":"http://x/a","decline_url":"http://x/d"})";
};

}  // namespace muster::testing

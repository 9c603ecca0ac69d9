// HttpSink: a real HTTP/1.1 server (Boost.Beast) on 127.0.0.1, port chosen by
// the kernel, for notifier tests and benchmarks. Header-only. Keep-alive;
// records every request (method, target, headers, body, arrival time,
// connection number). Controls: FailNext(status, k) answers the next k
// requests with that status; SetHang(true) accepts and reads requests but
// never answers (timeout tests); SetHandler gives a custom answer.
// SetCloseAfterResponse(true) closes each connection after its answer.
// Default answer: 200 with body "{}". With TLS files it serves HTTPS instead
// (url() then says https://).
//
// Runs on its own io_context thread(s); one coroutine per connection, no
// thread per request. All public methods are thread-safe.
#pragma once

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace muster::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::steady_clock::time_point time;
  int64_t connection = 0;  // 1, 2, ... in accept order

  // The first header of that name (case-insensitive), "" if absent.
  std::string Header(const std::string& name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return v;
      }
    }
    return "";
  }
};

struct SinkResponse {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
  bool is_default = false;  // set by the sink: nothing changed the default answer
};

// A certificate chain and its private key (PEM files) for an HTTPS sink.
struct SinkTlsFiles {
  std::string cert_file;
  std::string key_file;
};

class HttpSink {
 public:
  // Returns the answer for a request, or nullopt for the default behaviour.
  // Runs on a sink thread; must be thread-safe and quick.
  using Handler = std::function<std::optional<SinkResponse>(const RecordedRequest&)>;

  // record = false keeps only counts (benchmarks with huge request numbers).
  explicit HttpSink(int threads = 1, bool record = true,
                    std::optional<SinkTlsFiles> tls = std::nullopt)
      : ioc_(threads),
        acceptor_(ioc_),
        record_(record),
        tls_(tls.has_value()),
        ssl_(boost::asio::ssl::context::tls_server) {
    namespace asio = boost::asio;
    if (tls) {
      ssl_.use_certificate_chain_file(tls->cert_file);
      ssl_.use_private_key_file(tls->key_file, asio::ssl::context::pem);
    }
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, Accept(), asio::detached);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~HttpSink() {
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  HttpSink(const HttpSink&) = delete;
  HttpSink& operator=(const HttpSink&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) + path;
  }

  void FailNext(int status, int count) {
    std::lock_guard lock(mu_);
    fail_status_ = status;
    fail_left_ = count;
  }
  void SetHang(bool hang) { hang_ = hang; }
  // Answer (advertising keep-alive) and then close the connection, as a
  // server whose idle timeout has passed would.
  void SetCloseAfterResponse(bool close) { close_after_response_ = close; }
  void SetHandler(Handler h) {
    std::lock_guard lock(mu_);
    handler_ = std::move(h);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int64_t request_count() const { return count_.load(); }
  int64_t connections() const { return connections_.load(); }
  // HTTPS only: connections whose TLS handshake failed (e.g. the client did
  // not trust the certificate).
  int64_t failed_handshakes() const { return failed_handshakes_.load(); }

  // Polls pred (under no lock) until true or timeout; true if it became true.
  bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mu_);
    while (true) {
      lock.unlock();
      if (pred()) return true;
      lock.lock();
      if (std::chrono::steady_clock::now() >= deadline) return false;
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  bool WaitForRequests(int64_t n, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return request_count() >= n; }, timeout);
  }

 private:
  using tcp = boost::asio::ip::tcp;

  boost::asio::awaitable<void> Accept() {
    namespace asio = boost::asio;
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        continue;
      }
      int64_t id = ++connections_;
      if (tls_) {
        asio::co_spawn(ioc_, TlsSession(std::move(socket), id), asio::detached);
      } else {
        asio::co_spawn(ioc_, Session(std::move(socket), id), asio::detached);
      }
    }
  }

  boost::asio::awaitable<void> TlsSession(tcp::socket socket, int64_t conn_id) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    asio::ssl::stream<tcp::socket> stream(std::move(socket), ssl_);
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ++failed_handshakes_;
      co_return;
    }
    co_await Serve(stream, conn_id);
  }

  boost::asio::awaitable<void> Session(tcp::socket socket, int64_t conn_id) {
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    co_await Serve(socket, conn_id);
  }

  // Answers requests on one connection (a socket, or a TLS stream over one).
  template <typename Stream>
  boost::asio::awaitable<void> Serve(Stream& socket, int64_t conn_id) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    while (true) {
      http::request<http::string_body> req;
      co_await http::async_read(socket, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      SinkResponse answer = Record(req, conn_id);
      if (hang_) {
        // Never answer; the connection stays open until the client gives up.
        asio::steady_timer forever(socket.get_executor(), std::chrono::hours(24));
        co_await forever.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      if (answer.is_default && req.keep_alive() && !close_after_response_) {
        // The common case, pre-serialised: no per-request response building.
        static constexpr std::string_view kOk =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        co_await asio::async_write(socket, asio::buffer(kOk.data(), kOk.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        continue;
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::content_type, answer.content_type);
      res.keep_alive(req.keep_alive());
      res.body() = std::move(answer.body);
      res.prepare_payload();
      co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive() || close_after_response_) co_return;
    }
  }

  SinkResponse Record(boost::beast::http::request<boost::beast::http::string_body>& req,
                      int64_t conn_id) {
    SinkResponse answer;
    bool changed = false;
    std::unique_lock lock(mu_);
    if (record_ || handler_) {
      RecordedRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
      r.body = std::move(req.body());
      r.time = std::chrono::steady_clock::now();
      r.connection = conn_id;
      if (handler_) {
        if (auto a = handler_(r)) {
          answer = std::move(*a);
          changed = true;
        }
      }
      if (record_) requests_.push_back(std::move(r));
    }
    if (fail_left_ > 0) {
      --fail_left_;
      answer.status = fail_status_;
      answer.body = "failing on purpose";
      answer.content_type = "text/plain";
      changed = true;
    }
    answer.is_default = !changed;
    ++count_;
    lock.unlock();
    cv_.notify_all();
    return answer;
  }

  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  const bool record_;
  const bool tls_;
  boost::asio::ssl::context ssl_;
  int port_ = 0;
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RecordedRequest> requests_;
  Handler handler_;
  int fail_status_ = 200;
  int fail_left_ = 0;
  std::atomic<bool> hang_{false};
  std::atomic<bool> close_after_response_{false};
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> failed_handshakes_{0};
};

}  // namespace muster::testing

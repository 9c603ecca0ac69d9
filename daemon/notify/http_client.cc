#include "notify/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "notify/settings.h"
#include "notify/shared_notifier.h"

namespace muster::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::redirect_error;
using asio::use_awaitable;

constexpr size_t kMaxResponseBody = 1 << 20;

// Every HTTP client's I/O runs on one thread of its own, shared by the
// process: the dispatcher's thread then only does the bookkeeping, and a
// busy dispatch uses both cores. Started on first use; stopped and joined at
// exit (clients are gone by then: the daemon and tests destroy them first).
class IoThread {
 public:
  static IoThread& Get() {
    static IoThread instance;
    return instance;
  }
  asio::any_io_executor Executor() { return io_.get_executor(); }
  bool InThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  ~IoThread() {
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  IoThread() : io_(1), guard_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

// One TCP (optionally TLS) connection. The ssl_stream is always built so one
// type serves both; plain connections use its next layer only.
struct Conn {
  Conn(const asio::strand<asio::any_io_executor>& ex, ssl::context& ctx, bool tls_in)
      : stream(ex, ctx), tls(tls_in) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  bool tls;
  beast::flat_buffer buffer;
  beast::tcp_stream& tcp() { return stream.next_layer(); }
  void Close() {
    beast::error_code ignored;
    tcp().socket().close(ignored);
  }
};

class HttpClientImpl final : public HttpClient,
                             public std::enable_shared_from_this<HttpClientImpl> {
 public:
  HttpClientImpl(asio::any_io_executor executor, HttpClientOptions options)
      : executor_(executor),
        strand_(asio::make_strand(IoThread::Get().Executor())),
        options_(std::move(options)),
        ssl_(ssl::context::tls_client) {}

  Status Init() { return ConfigureTlsClient(ssl_, options_.ca_file, options_.verify); }

  void Send(HttpRequest request, std::function<void(HttpResponse)> done) override {
    auto self = shared_from_this();
    // The caller's executor counts the request as outstanding work until
    // `done` has run there (its io_context's run() does not return early).
    auto work = asio::prefer(executor_, asio::execution::outstanding_work.tracked);
    {
      std::lock_guard lock(flight_mu_);
      ++in_flight_;
    }
    asio::co_spawn(
        strand_, Run(self, std::move(request)),
        [self, work, done = std::move(done)](std::exception_ptr ep, HttpResponse r) mutable {
          if (ep) r = HttpResponse{"internal error in HTTP client", 0, "", ""};
          asio::post(work,
                     [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
          work = {};  // from here on nothing refers to the caller's executor
          std::lock_guard lock(self->flight_mu_);
          if (--self->in_flight_ == 0) self->flight_cv_.notify_all();
        });
  }

  void Shutdown() override {
    asio::dispatch(strand_, [self = shared_from_this()] {
      self->shutdown_ = true;
      for (auto& c : self->active_) c->Close();
      for (auto& [key, conns] : self->idle_) {
        for (auto& c : conns) c->Close();
      }
      self->idle_.clear();
    });
    // Waits (briefly: their connections are closed) until every request in
    // flight has handed its result to the caller's executor, so that the
    // caller may destroy that executor's io_context afterwards.
    if (IoThread::Get().InThread()) return;
    std::unique_lock lock(flight_mu_);
    flight_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return in_flight_ == 0; });
  }

  int64_t connections_opened() const override { return opened_.load(); }

 private:
  static std::string PoolKey(const Url& u) {
    return (u.tls ? "https://" : "http://") + u.HostPort();
  }

  std::shared_ptr<Conn> TakeIdle(const std::string& key) {
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto c = std::move(it->second.back());
    it->second.pop_back();
    return c;
  }

  void Release(const std::string& key, std::shared_ptr<Conn> c) {
    auto& list = idle_[key];
    if (shutdown_ || list.size() >= options_.max_idle_per_host) {
      c->Close();
      return;
    }
    c->tcp().expires_never();
    list.push_back(std::move(c));
  }

  // Opens a connection (resolve, connect, TLS handshake). Returns "" or the error.
  awaitable<std::string> Connect(Conn& c, const Url& url, Clock::time_point deadline) {
    beast::error_code ec;
    tcp::resolver resolver(strand_);
    auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                     redirect_error(use_awaitable, ec));
    if (ec) co_return "resolve " + url.host + ": " + ec.message();
    auto connect_deadline =
        std::min(deadline, Clock::now() + std::chrono::milliseconds(options_.connect_timeout_ms));
    c.tcp().expires_at(connect_deadline);
    co_await c.tcp().async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) {
      co_return "connect " + url.HostPort() + ": timed out after " +
          std::to_string(options_.connect_timeout_ms) + " ms";
    }
    if (ec) co_return "connect " + url.HostPort() + ": " + ec.message();
    c.tcp().socket().set_option(tcp::no_delay(true), ec);
    ++opened_;
    if (c.tls) {
      // SNI and host name verification against the certificate.
      SSL_set_tlsext_host_name(c.stream.native_handle(), url.host.c_str());
      if (options_.verify) c.stream.set_verify_callback(ssl::host_name_verification(url.host));
      co_await c.stream.async_handshake(ssl::stream_base::client,
                                        redirect_error(use_awaitable, ec));
      if (ec == beast::error::timeout) {
        co_return "TLS handshake with " + url.HostPort() + ": timed out after " +
            std::to_string(options_.connect_timeout_ms) + " ms";
      }
      if (ec) co_return "TLS handshake with " + url.HostPort() + ": " + ec.message();
    }
    co_return "";
  }

  static awaitable<HttpResponse> Run(std::shared_ptr<HttpClientImpl> self, HttpRequest request) {
    co_return co_await self->DoRun(std::move(request));
  }

  awaitable<HttpResponse> DoRun(HttpRequest request) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    const std::string key = PoolKey(request.url);

    http::request<http::string_body> req;
    req.method(http::string_to_verb(request.method));
    req.target(request.url.target);
    req.version(11);
    req.set(http::field::host,
            request.url.host + ((request.url.port == 80 && !request.url.tls) ||
                                        (request.url.port == 443 && request.url.tls)
                                    ? std::string()
                                    : ":" + std::to_string(request.url.port)));
    req.set(http::field::user_agent, "musterd");
    if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
    for (const auto& [name, value] : request.headers) req.insert(name, value);
    req.body() = std::move(request.body);
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0;; ++attempt) {
      if (shutdown_) co_return HttpResponse{"shut down", 0, "", ""};
      auto conn = TakeIdle(key);
      const bool reused = conn != nullptr;
      if (!conn) conn = std::make_shared<Conn>(strand_, ssl_, request.url.tls);
      active_.insert(conn);
      struct Untrack {
        HttpClientImpl* self;
        std::shared_ptr<Conn> c;
        ~Untrack() { self->active_.erase(c); }
      } untrack{this, conn};

      if (!reused) {
        std::string err = co_await Connect(*conn, request.url, deadline);
        if (!err.empty()) {
          conn->Close();
          co_return HttpResponse{shutdown_ ? "shut down" : err, 0, "", ""};
        }
      }
      conn->tcp().expires_at(deadline);

      beast::error_code ec;
      if (conn->tls) {
        co_await http::async_write(conn->stream, req, redirect_error(use_awaitable, ec));
      } else {
        co_await http::async_write(conn->tcp(), req, redirect_error(use_awaitable, ec));
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      if (!ec) {
        if (conn->tls) {
          co_await http::async_read(conn->stream, conn->buffer, parser,
                                    redirect_error(use_awaitable, ec));
        } else {
          co_await http::async_read(conn->tcp(), conn->buffer, parser,
                                    redirect_error(use_awaitable, ec));
        }
      }
      if (ec) {
        conn->Close();
        if (shutdown_) co_return HttpResponse{"shut down", 0, "", ""};
        if (ec == beast::error::timeout) {
          co_return HttpResponse{"timed out after " + std::to_string(options_.timeout_ms) + " ms",
                                 0, "", ""};
        }
        // A stale keep-alive connection closed by the server: one fresh try.
        if (reused && attempt == 0 && !parser.got_some() && Clock::now() < deadline) continue;
        co_return HttpResponse{request.url.HostPort() + ": " + ec.message(), 0, "", ""};
      }
      auto res = parser.release();
      HttpResponse out;
      out.status = static_cast<int>(res.result_int());
      out.reason = std::string(res.reason());
      if (out.reason.empty()) out.reason = std::string(http::obsolete_reason(res.result()));
      out.body = std::move(res.body());
      if (res.keep_alive()) {
        Release(key, conn);
      } else {
        conn->Close();
      }
      co_return out;
    }
  }

  asio::any_io_executor executor_;
  asio::strand<asio::any_io_executor> strand_;
  HttpClientOptions options_;
  ssl::context ssl_;
  // Strand-only state.
  bool shutdown_ = false;
  std::map<std::string, std::vector<std::shared_ptr<Conn>>> idle_;
  std::set<std::shared_ptr<Conn>> active_;
  std::atomic<int64_t> opened_{0};
  std::mutex flight_mu_;
  std::condition_variable flight_cv_;
  int in_flight_ = 0;  // Send calls whose result is not yet handed over
};

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::string Url::HostPort() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Url> ParseUrl(const std::string& text) {
  Url u;
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    u.tls = true;
    u.port = 443;
    rest = text.substr(8);
  } else {
    return Status::InvalidArgument("", "expected an http:// or https:// URL, got \"" + text + "\"");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument("", "URL contains a space or control character");
    }
  }
  size_t slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (u.target[0] != '/') u.target = "/" + u.target;
  if (auto hash = u.target.find('#'); hash != std::string::npos) u.target.resize(hash);
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("", "user:password@ in URLs is not supported; use a header");
  }
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("", "unterminated [IPv6] host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("", "bad host:port");
      port = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return Status::InvalidArgument("", "URL has no host: \"" + text + "\"");
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return Status::InvalidArgument("", "bad port \"" + port + "\" in URL");
    }
    u.port = static_cast<uint16_t>(std::stoi(port));
  }
  return u;
}

Result<std::shared_ptr<HttpClient>> HttpClient::Create(boost::asio::any_io_executor executor,
                                                       HttpClientOptions options) {
  auto client = std::make_shared<HttpClientImpl>(std::move(executor), std::move(options));
  MUSTER_RETURN_IF_ERROR(client->Init());
  return std::shared_ptr<HttpClient>(client);
}

SendResult MapHttpResponse(const HttpResponse& r, SendOutcome success) {
  if (!r.error.empty()) return SendResult{SendOutcome::kRetry, r.error, ""};
  if (r.status >= 200 && r.status < 300) return SendResult{success, "", ""};
  std::string detail =
      "HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
  if (r.status == 408 || r.status == 429 || r.status >= 500) {
    return SendResult{SendOutcome::kRetry, detail, ""};
  }
  if (r.status >= 300 && r.status < 400) detail += " (redirects are not followed)";
  return SendResult{SendOutcome::kPermanent, detail, ""};
}

HttpClientOptions ReadHttpClientOptions(SettingsReader& reader) {
  HttpClientOptions o;
  o.connect_timeout_ms =
      static_cast<int>(reader.Int("connect_timeout_ms", o.connect_timeout_ms, 1, 600'000));
  o.timeout_ms = static_cast<int>(reader.Int("timeout_ms", o.timeout_ms, 1, 600'000));
  o.ca_file = reader.String("ca_file");
  o.verify = reader.Bool("verify", true);
  return o;
}

bool ParseHeaderLine(const std::string& line, std::pair<std::string, std::string>* out) {
  size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string name = line.substr(0, colon);
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  std::string value = line.substr(colon + 1);
  if (value.find_first_of("\r\n") != std::string::npos) return false;
  size_t b = value.find_first_not_of(" \t");
  value = b == std::string::npos ? "" : value.substr(b);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  *out = {std::move(name), std::move(value)};
  return true;
}

HeaderList ReadHeaderList(SettingsReader& reader, const std::string& key) {
  HeaderList out;
  for (const auto& line : reader.StringList(key)) {
    std::pair<std::string, std::string> h;
    if (!ParseHeaderLine(line, &h)) {
      reader.Fail(key, "expected \"Name: value\" header lines, got \"" + line + "\"");
      return {};
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace muster::notify

#include "notify/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
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
  IoThread()
      : io_(1), guard_(asio::make_work_guard(io_)), thread_([this] {
          pthread_setname_np(pthread_self(), "http-io");  // for top and perf
          io_.run();
        }) {}
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
  bool refused = false;  // Connect found no address the policy allows
  beast::tcp_stream& tcp() { return stream.next_layer(); }
  void Close() {
    beast::error_code ignored;
    tcp().socket().close(ignored);
  }
  // f(the stream requests travel over): the TLS stream, or the plain TCP one.
  template <typename F>
  decltype(auto) OnStream(F&& f) {
    if (tls) return f(stream);
    return f(tcp());
  }
};

// Pipelining (options.pipeline > 1). A request waiting for, or on, a
// pipelined connection: its bytes and how to hand its result over.
struct Pending {
  std::string wire;  // the serialized request
  Clock::time_point deadline;
  std::function<void(HttpResponse)> finish;  // once
  bool retried = false;                      // already put back once
};

// A pipelined connection: up to `pipeline` requests written and awaiting
// their responses, which HTTP/1.1 returns in request order.
struct PipeConn {
  PipeConn(const asio::strand<asio::any_io_executor>& ex, ssl::context& ctx, bool tls)
      : conn(ex, ctx, tls), timer(ex) {}
  Conn conn;
  asio::steady_timer timer;  // the oldest written request's deadline
  std::deque<Pending> sent;  // written (or being written), oldest first
  std::string out;           // the bytes being written
  bool ready = false;        // connected
  bool writing = false;
  bool timer_armed = false;
  bool dead = false;
  int64_t answered = 0;  // responses read
};

// Pipelined traffic to one scheme://host:port.
struct PipeHost {
  Url url;
  std::deque<Pending> queue;  // not yet written
  std::vector<std::shared_ptr<PipeConn>> conns;
};

// Status, reason (the standard one if the server sent none) and body; the
// body is moved out of `res`.
HttpResponse FromBeast(http::response<http::string_body>& res) {
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.reason = std::string(res.reason());
  if (out.reason.empty()) out.reason = std::string(http::obsolete_reason(res.result()));
  out.body = std::move(res.body());
  return out;
}

// The Host header: host, [v6 literal], plus ":port" unless the scheme's own.
std::string HostHeader(const Url& u) {
  if ((u.port == 80 && !u.tls) || (u.port == 443 && u.tls)) {
    return u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  }
  return u.HostPort();
}

// The request as bytes on the wire; false if a header would break framing.
bool SerializeRequest(const HttpRequest& r, std::string* out) {
  auto clean = [](const std::string& t) { return t.find_first_of("\r\n") == std::string::npos; };
  out->reserve(256 + r.body.size());
  *out += r.method;
  *out += ' ';
  *out += r.url.target;
  *out += " HTTP/1.1\r\nHost: ";
  *out += HostHeader(r.url);
  *out += "\r\nUser-Agent: musterd\r\n";
  if (!r.content_type.empty()) {
    if (!clean(r.content_type)) return false;
    *out += "Content-Type: ";
    *out += r.content_type;
    *out += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    if (!clean(name) || !clean(value) || name.empty()) return false;
    *out += name;
    *out += ": ";
    *out += value;
    *out += "\r\n";
  }
  if (!clean(r.url.target) || !clean(r.method)) return false;
  *out += "Content-Length: ";
  *out += std::to_string(r.body.size());
  *out += "\r\n\r\n";
  *out += r.body;
  return true;
}

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
    if (options_.pipeline > 1) {
      Pending p;
      p.deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
      p.finish = [self, work, done = std::move(done)](HttpResponse r) mutable {
        asio::post(work,
                   [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
        work = {};
        std::lock_guard lock(self->flight_mu_);
        if (--self->in_flight_ == 0) self->flight_cv_.notify_all();
      };
      if (!SerializeRequest(request, &p.wire)) {
        p.finish(HttpResponse{"request header contains CR or LF", 0, "", ""});
        return;
      }
      asio::post(strand_, [self, url = std::move(request.url), p = std::move(p)]() mutable {
        self->Enqueue(std::move(url), std::move(p));
      });
      return;
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
      for (auto& [key, host] : self->pipes_) {
        auto conns = host.conns;
        for (auto& c : conns) self->PipeFail(key, *c, "shut down", false);
        for (auto& p : host.queue) p.finish(HttpResponse{"shut down", 0, "", ""});
        host.queue.clear();
      }
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
  // ------------------------------------------------------------ pipelining
  // Strand only. Requests wait in their host's queue until a connection has
  // room; a connection writes everything it can take in one write and reads
  // the responses in order. A connection that fails or closes hands its
  // unanswered requests back to the queue once (they carry an idempotency
  // key, so a receiver recognises one it did get); a request past its
  // deadline fails with a timeout.
  size_t Depth() const { return static_cast<size_t>(options_.pipeline); }

  void Enqueue(Url url, Pending p) {
    if (shutdown_) return p.finish(HttpResponse{"shut down", 0, "", ""});
    const std::string key = PoolKey(url);
    PipeHost& h = pipes_[key];
    if (h.url.host.empty()) h.url = std::move(url);
    h.queue.push_back(std::move(p));
    Pump(key);
  }

  void Pump(const std::string& key) {
    auto it = pipes_.find(key);
    if (it == pipes_.end() || shutdown_) return;
    PipeHost& h = it->second;
    const auto now = Clock::now();
    while (!h.queue.empty() && h.queue.front().deadline <= now) {
      h.queue.front().finish(HttpResponse{TimedOut(), 0, "", ""});
      h.queue.pop_front();
    }
    size_t spare = 0;  // requests the connections can still take
    for (auto& c : h.conns) {
      if (c->ready && !c->writing && c->sent.size() < Depth() && !h.queue.empty()) {
        StartWrite(key, h, c);
      }
      spare += Depth() - std::min(Depth(), c->sent.size());
    }
    if (h.queue.size() <= spare) return;
    size_t want = (h.queue.size() - spare + Depth() - 1) / Depth();
    while (want-- > 0 && h.conns.size() < options_.max_idle_per_host) {
      auto c = std::make_shared<PipeConn>(strand_, ssl_, h.url.tls);
      h.conns.push_back(c);
      asio::co_spawn(strand_, OpenPipe(shared_from_this(), key, c), [](std::exception_ptr) {});
    }
  }

  void StartWrite(const std::string& key, PipeHost& h, const std::shared_ptr<PipeConn>& c) {
    c->out.clear();
    while (!h.queue.empty() && c->sent.size() < Depth()) {
      c->out += h.queue.front().wire;
      c->sent.push_back(std::move(h.queue.front()));
      h.queue.pop_front();
    }
    c->writing = true;
    ArmTimer(key, c);
    auto done = [self = shared_from_this(), key, c](const beast::error_code& ec, size_t) {
      c->writing = false;
      if (c->dead) return;
      if (ec) return self->PipeFail(key, *c, key + ": " + ec.message(), false);
      self->Pump(key);
    };
    c->conn.OnStream([&](auto& s) { asio::async_write(s, asio::buffer(c->out), std::move(done)); });
  }

  // The timer follows the oldest written request: when it fires with that
  // request past its deadline, the connection is given up.
  void ArmTimer(const std::string& key, const std::shared_ptr<PipeConn>& c) {
    if (c->timer_armed || c->sent.empty() || c->dead) return;
    c->timer_armed = true;
    c->timer.expires_at(c->sent.front().deadline);
    c->timer.async_wait([self = shared_from_this(), key, c](const beast::error_code&) {
      c->timer_armed = false;
      if (c->dead || c->sent.empty()) return;
      if (c->sent.front().deadline <= Clock::now()) {
        return self->PipeFail(key, *c, self->TimedOut(), true);
      }
      self->ArmTimer(key, c);
    });
  }

  static awaitable<void> OpenPipe(std::shared_ptr<HttpClientImpl> self, std::string key,
                                  std::shared_ptr<PipeConn> c) {
    auto deadline = Clock::now() + std::chrono::milliseconds(self->options_.timeout_ms);
    std::string err = co_await self->Connect(c->conn, self->pipes_[key].url, deadline);
    if (c->dead) co_return;  // shut down meanwhile
    if (!err.empty()) {
      // This connection's share of the waiting requests fails with the
      // error (the caller retries them later), so that a host that cannot
      // be reached does not have connections opened for it without end.
      PipeHost& h = self->pipes_[key];
      for (size_t i = 0; i < self->Depth() && !h.queue.empty(); ++i) {
        HttpResponse out{err, 0, "", ""};
        out.refused = c->conn.refused;
        h.queue.front().finish(std::move(out));
        h.queue.pop_front();
      }
      self->PipeFail(key, *c, err, false);
      co_return;
    }
    c->conn.tcp().expires_never();
    c->ready = true;
    self->Pump(key);
    for (;;) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      beast::error_code ec;
      co_await c->conn.OnStream([&](auto& s) {
        return http::async_read(s, c->conn.buffer, parser, redirect_error(use_awaitable, ec));
      });
      if (c->dead) co_return;
      if (ec || c->sent.empty()) {
        std::string why = ec ? key + ": " + ec.message() : key + ": response to no request";
        self->PipeFail(key, *c, why, parser.got_some());
        co_return;
      }
      auto res = parser.release();
      HttpResponse out = FromBeast(res);
      Pending p = std::move(c->sent.front());
      c->sent.pop_front();
      ++c->answered;
      p.finish(std::move(out));
      if (!res.keep_alive()) {
        self->PipeFail(key, *c, key + ": connection closed by the server", false);
        co_return;
      }
      self->ArmTimer(key, c);
      self->Pump(key);
    }
  }

  // Gives a connection up: its unanswered requests go back to the queue (the
  // oldest not if part of its answer had arrived), or fail with `error` (or
  // a timeout past their deadline). A request goes back any number of times
  // behind connections that answered something (a server that closes after
  // every answer still gets everything through, one per connection), and
  // once behind a connection that answered nothing.
  void PipeFail(const std::string& key, PipeConn& c, const std::string& error,
                bool front_answered) {
    if (c.dead) return;
    c.dead = true;
    c.conn.Close();
    c.timer.cancel();
    PipeHost& h = pipes_[key];
    std::erase_if(h.conns, [&](const std::shared_ptr<PipeConn>& x) { return x.get() == &c; });
    const auto now = Clock::now();
    std::deque<Pending> again;
    for (size_t i = 0; i < c.sent.size(); ++i) {
      Pending& p = c.sent[i];
      if (shutdown_) {
        p.finish(HttpResponse{"shut down", 0, "", ""});
      } else if (p.deadline <= now) {
        p.finish(HttpResponse{TimedOut(), 0, "", ""});
      } else if ((c.answered > 0 || !p.retried) && !(i == 0 && front_answered)) {
        if (c.answered == 0) p.retried = true;
        again.push_back(std::move(p));
      } else {
        p.finish(HttpResponse{error, 0, "", ""});
      }
    }
    c.sent.clear();
    for (auto it = again.rbegin(); it != again.rend(); ++it) h.queue.push_front(std::move(*it));
    Pump(key);
  }

  std::string TimedOut() const {
    return "timed out after " + std::to_string(options_.timeout_ms) + " ms";
  }

  // ------------------------------------------------------------ one at a time
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
    // Only addresses the policy allows are connected to; they are the ones
    // resolved now, so a name cannot pass a check and then point elsewhere.
    std::vector<tcp::endpoint> allowed;
    std::string refusal;
    for (const auto& e : endpoints) {
      std::string why = options_.addresses.Refusal(e.endpoint().address());
      if (why.empty()) {
        allowed.push_back(e.endpoint());
      } else if (refusal.empty()) {
        refusal = std::move(why);
      }
    }
    if (allowed.empty()) {
      c.refused = true;
      co_return "refused to connect to " + url.HostPort() + ": " + refusal +
          " (not in allow_networks)";
    }
    auto connect_deadline =
        std::min(deadline, Clock::now() + std::chrono::milliseconds(options_.connect_timeout_ms));
    c.tcp().expires_at(connect_deadline);
    co_await c.tcp().async_connect(allowed, redirect_error(use_awaitable, ec));
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
    req.set(http::field::host, HostHeader(request.url));
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
          HttpResponse out{shutdown_ ? "shut down" : err, 0, "", ""};
          out.refused = conn->refused && !shutdown_;
          co_return out;
        }
      }
      conn->tcp().expires_at(deadline);

      beast::error_code ec;
      co_await conn->OnStream(
          [&](auto& s) { return http::async_write(s, req, redirect_error(use_awaitable, ec)); });
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBody);
      if (!ec) {
        co_await conn->OnStream([&](auto& s) {
          return http::async_read(s, conn->buffer, parser, redirect_error(use_awaitable, ec));
        });
      }
      if (ec) {
        conn->Close();
        if (shutdown_) co_return HttpResponse{"shut down", 0, "", ""};
        if (ec == beast::error::timeout) {
          co_return HttpResponse{TimedOut(), 0, "", ""};
        }
        // A stale keep-alive connection closed by the server: one fresh try.
        if (reused && attempt == 0 && !parser.got_some() && Clock::now() < deadline) continue;
        co_return HttpResponse{request.url.HostPort() + ": " + ec.message(), 0, "", ""};
      }
      auto res = parser.release();
      HttpResponse out = FromBeast(res);
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
  std::map<std::string, PipeHost> pipes_;
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
  if (!r.error.empty()) {
    return SendResult{r.refused ? SendOutcome::kPermanent : SendOutcome::kRetry, r.error, ""};
  }
  if (r.status >= 200 && r.status < 300) return SendResult{success, "", ""};
  // The standard reason phrase, never the receiver's own words: whatever a
  // receiver answers (reason phrase or body) stays out of last_error, where
  // whoever set the address could read it back.
  auto reason = http::obsolete_reason(static_cast<http::status>(r.status));
  std::string detail = "HTTP " + std::to_string(r.status);
  if (!reason.empty() && reason != "<unknown-status>")
    detail += " " + std::string(reason.data(), reason.size());
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
  o.pipeline = static_cast<int>(reader.Int("pipeline", o.pipeline, 1, 64));
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

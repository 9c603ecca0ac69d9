#include "http/http_server.h"

#include <array>

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/text.h"
#include "http/router.h"
#include "metrics/metrics.h"

namespace muster::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "HOST:PORT" or "[V6]:PORT" -> endpoint.
Result<tcp::endpoint> ParseListen(const std::string& listen) {
  auto bad = [&](const std::string& why) -> Status {
    return Status::InvalidArgument("http.listen", "'" + listen + "': " + why);
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return bad("port must be a number 0-65535");
  }
  int port = std::stoi(port_text);
  if (port > 65535) return bad("port must be a number 0-65535");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return bad("host must be an IP address or localhost");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::map<std::string, std::string> ParseFormUrlEncoded(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name, value;
    PercentDecode(pair.substr(0, eq), PlusSign::kSpace, &name);
    if (eq != std::string_view::npos) PercentDecode(pair.substr(eq + 1), PlusSign::kSpace, &value);
    out.emplace(std::move(name), std::move(value));  // first value wins
  }
  return out;
}

bool DecodePath(std::string_view in, std::string* out) {
  return PercentDecode(in, PlusSign::kLiteral, out);
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (raw_path.empty() || raw_path[0] != '/' || !DecodePath(raw_path, path)) return false;
  query->clear();
  if (q != std::string_view::npos) *query = ParseFormUrlEncoded(target.substr(q + 1));
  return true;
}

std::string ClientKey(std::string_view address) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  if (a.is_v4()) return a.to_string();
  return asio::ip::network_v6(a.to_v6(), 64).canonical().to_string();
}

bool IsLoopbackListen(std::string_view host_port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string host(host_port.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return false;  // a host name other than localhost may resolve anywhere
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

// ---------------------------------------------------------------- Impl

class Session;

class HttpServer::Impl {
 public:
  explicit Impl(const Options& opts)
      : options(opts),
        registry(opts.registry != nullptr ? *opts.registry : metrics::DefaultRegistry()),
        io(std::make_unique<asio::io_context>(1)),
        acceptor(std::in_place, *io),
        accept_retry(std::in_place, *io),
        workers(static_cast<size_t>(std::max(1, opts.threads))) {}

  Status Listen(const tcp::endpoint& endpoint);
  void DoAccept();
  void Stop();
  Response Dispatch(const Request& request, std::string* route);
  void Record(const std::string& route, int status, double seconds);

  // How a new connection from `client` is treated, given what is open.
  enum class Admit { kServe, kReservedOnly, kRefuse };
  Admit Decide(const std::string& client) {
    std::lock_guard lock(sessions_mu);
    auto mine = per_client.find(client);
    if (mine != per_client.end() && mine->second >= options.max_connections_per_client) {
      return Admit::kRefuse;
    }
    if (admitted < options.max_connections) return Admit::kServe;
    if (admitted < options.max_connections + options.reserved_connections) {
      return Admit::kReservedOnly;
    }
    return Admit::kRefuse;
  }
  // `admitted`: counts against the limits (refused connections that are
  // only being told 503 do not).
  void Register(std::uint64_t id, const std::shared_ptr<Session>& s, const std::string& client,
                bool admitted_now) {
    std::lock_guard lock(sessions_mu);
    sessions[id] = Entry{s, client, admitted_now};
    if (admitted_now) {
      ++admitted;
      ++per_client[client];
    }
  }
  void Unregister(std::uint64_t id) {
    std::lock_guard lock(sessions_mu);
    auto it = sessions.find(id);
    if (it == sessions.end()) return;
    if (it->second.admitted) {
      --admitted;
      auto c = per_client.find(it->second.client);
      if (c != per_client.end() && --c->second <= 0) per_client.erase(c);
    }
    sessions.erase(it);
  }
  int OpenConnections() {
    std::lock_guard lock(sessions_mu);
    return static_cast<int>(sessions.size());
  }
  bool IsReservedPath(const std::string& path) const {
    for (const auto& p : options.reserved_paths) {
      if (p == path) return true;
    }
    return false;
  }

  const Options options;
  metrics::Registry& registry;
  Router router;
  std::atomic<bool> stopping{false};
  int port = 0;

  // Declared before io so that sessions destroyed with io can still unregister.
  struct Entry {
    std::weak_ptr<Session> session;
    std::string client;  // remote IP address
    bool admitted = false;
  };
  std::mutex sessions_mu;
  std::unordered_map<std::uint64_t, Entry> sessions;
  std::unordered_map<std::string, int> per_client;  // admitted connections per IP
  int admitted = 0;
  std::uint64_t next_session_id = 1;  // I/O thread only

  std::unique_ptr<asio::io_context> io;
  // Optional so that Stop() can destroy them before the io_context they use.
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  asio::thread_pool workers;
  std::thread io_thread;
  std::once_flag stop_once;
};

// The writing end of a streamed response; the Session does the writing on
// the I/O thread. Its methods are defined after Session's.
class StreamSink final : public ResponseStream {
 public:
  explicit StreamSink(std::weak_ptr<Session> session) : session_(std::move(session)) {}
  bool Write(std::string bytes) override;
  void Close() override;
  void OnEnd(std::function<void()> fn) override;
  // From the Session: the connection is gone. Runs the OnEnd function once.
  void Ended();
  // From the Session: `n` queued bytes were written.
  void Sent(std::size_t n) {
    std::lock_guard lock(mu_);
    queued_ -= std::min(queued_, n);
  }

 private:
  std::weak_ptr<Session> session_;
  std::mutex mu_;
  bool ended_ = false;
  std::size_t queued_ = 0;
  std::function<void()> on_end_;
};

// One connection. Lives on the I/O thread; handlers run on the worker pool
// and hand their response back to the I/O thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl* server, std::uint64_t id, tcp::socket socket)
      : server_(server), id_(id), stream_(std::move(socket)) {
    boost::system::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                         : remote.address().to_string();
      remote_ += ":" + std::to_string(remote.port());
    }
  }
  ~Session() { server_->Unregister(id_); }

  // reserved_only: serve one request, and only on a reserved path.
  void Start(bool reserved_only) {
    reserved_only_ = reserved_only;
    DoRead();
  }
  asio::any_io_executor executor() { return stream_.get_executor(); }
  void Reject() {
    refused_ = true;
    SendPlain(503, "too many connections\n");
  }
  void Close() {
    boost::system::error_code ec;
    stream_.socket().close(ec);
    if (sink_) sink_->Ended();
  }

  // Streamed responses (I/O thread): bytes from the sink, its end.
  void StreamWrite(std::string bytes) {
    if (stream_ended_) return;
    out_.push_back(std::move(bytes));
    Flush();
  }
  void StreamClose() {
    close_after_flush_ = true;
    Flush();
  }
  void StreamAbort() { EndStream(); }

 private:
  // Sends the head of a streamed response, then hands the writing end to
  // the handler's stream function. The connection is closed when the
  // stream ends; a client that closes it ends the stream.
  void SendStreamHead(Response response, const std::string& route) {
    if (server_->stopping) return Close();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_->Record(route.empty() ? "unmatched" : route, response.status, seconds);
    auto status = bhttp::int_to_status(static_cast<unsigned>(response.status));
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       std::string(bhttp::obsolete_reason(status)) +
                       "\r\nServer: musterd\r\nContent-Type: " + response.content_type + "\r\n";
    for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
    head += "Connection: close\r\n\r\n";
    stream_.expires_never();
    sink_ = std::make_shared<StreamSink>(weak_from_this());
    out_.push_back(std::move(head));
    Flush();
    WatchPeer();
    response.stream(sink_);
  }

  // A streaming client sends nothing more: any read result but data means
  // it has gone (or the server is stopping).
  void WatchPeer() {
    auto scratch = std::make_shared<std::array<char, 512>>();
    stream_.async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch](
                                                        beast::error_code ec, std::size_t) {
      if (ec) return self->EndStream();
      self->WatchPeer();
    });
  }

  void Flush() {
    if (stream_ended_ || writing_) return;
    if (out_.empty()) {
      if (close_after_flush_) EndStream();
      return;
    }
    writing_ = true;
    asio::async_write(stream_.socket(), asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                        self->writing_ = false;
                        if (ec) return self->EndStream();
                        if (!self->out_.empty()) self->out_.pop_front();
                        self->sink_->Sent(n);
                        self->Flush();
                      });
  }

  void EndStream() {
    if (stream_ended_) return;
    stream_ended_ = true;
    out_.clear();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    Close();
  }

  // Waits (idle_timeout) for a request's first byte unless one is already
  // buffered, then reads the whole request (read_timeout).
  void DoRead() {
    if (server_->stopping) return Close();
    if (buffer_.size() > 0) return ReadRequest();
    stream_.expires_after(server_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(8192),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec)
                                return self->Close();  // idle too long, peer closed, or stopping
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    if (server_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::body_limit) return SendPlain(413, "request body too large\n");
    if (ec == bhttp::error::header_limit) return SendPlain(431, "request headers too large\n");
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return SendPlain(400, "malformed request\n");
    }
    if (ec) return Close();  // peer closed, timed out, or the server is stopping
    started_ = std::chrono::steady_clock::now();
    auto req = parser_->release();
    keep_alive_ = req.keep_alive() && !reserved_only_;
    version_ = req.version();

    auto request = std::make_shared<Request>();
    request->method = std::string(req.method_string());
    request->target = std::string(req.target());
    if (!ParseTarget(request->target, &request->path, &request->query)) {
      return SendPlain(400, "malformed request target\n");
    }
    for (const auto& field : req) {
      std::string name = Lower(std::string(field.name_string()));
      auto [it, inserted] = request->headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request->body = std::move(req.body());
    request->remote_address = remote_;
    if (reserved_only_ && !server_->IsReservedPath(request->path)) {
      return SendPlain(503, "too many connections\n");
    }

    // Handlers run on the worker pool; the answer comes back to the I/O thread.
    asio::post(server_->workers, [self = shared_from_this(), request] {
      if (self->server_->stopping) return;
      std::string route;
      Response response = self->server_->Dispatch(*request, &route);
      bool head = request->method == "HEAD";
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), route = std::move(route), head]() mutable {
                   self->Send(std::move(response), route, head, !self->keep_alive_);
                 });
    });
  }

  // A lingering close: closing with unread request bytes (a 413's body)
  // makes the kernel send RST, which can destroy the response before the
  // client reads it. So read and drop what the client still sends, up to
  // 1 MiB, for at most 2 s in all, then close. One deadline for the whole
  // drain: a client trickling a byte now and then must not keep its
  // connection slot.
  void DrainThenClose() {
    if (server_->stopping || drained_ > 1024 * 1024) return Close();
    if (!draining_) {
      draining_ = true;
      stream_.expires_after(std::chrono::seconds(2));
    }
    auto scratch = std::make_shared<std::array<char, 8192>>();
    stream_.async_read_some(asio::buffer(*scratch), [self = shared_from_this(), scratch](
                                                        beast::error_code ec, std::size_t n) {
      if (ec) return self->Close();
      self->drained_ += n;
      self->DrainThenClose();
    });
  }

  void SendPlain(int status, std::string body) {
    version_ = 11;
    started_ = std::chrono::steady_clock::now();
    Send(Response::Text(status, std::move(body)), "", false, true);
  }

  void Send(Response response, const std::string& route, bool head, bool close) {
    if (server_->stopping) return Close();
    if (response.stream && !head) return SendStreamHead(std::move(response), route);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_->Record(route.empty() ? "unmatched" : route, response.status, seconds);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(bhttp::field::server, "musterd");
    res->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->insert(name, value);
    res->keep_alive(!close);
    size_t length = response.body.size();
    if (!head) res->body() = std::move(response.body);
    res->content_length(length);  // HEAD: the GET length, no body
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, close](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         if (close) {
                           beast::error_code ignored;
                           self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                           // A refused connection is not kept for draining:
                           // it must not hold a descriptor for long.
                           if (self->refused_) return self->Close();
                           return self->DrainThenClose();
                         }
                         self->DoRead();
                       });
  }

  HttpServer::Impl* server_;
  std::uint64_t id_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  bool keep_alive_ = true;
  bool reserved_only_ = false;  // admitted beyond max_connections: reserved paths only
  bool refused_ = false;        // told 503 at accept
  unsigned version_ = 11;
  std::size_t drained_ = 0;  // bytes dropped by DrainThenClose
  bool draining_ = false;    // DrainThenClose's deadline is set
  std::chrono::steady_clock::time_point started_;
  // A streamed response (SendStreamHead): its sink, what waits to be written.
  std::shared_ptr<StreamSink> sink_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool close_after_flush_ = false;
  bool stream_ended_ = false;
};

bool StreamSink::Write(std::string bytes) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu_);
    if (ended_) return false;
    session = session_.lock();
    if (!session) return false;
    queued_ += bytes.size();
    if (queued_ > kMaxQueuedBytes) {
      // The client does not read: cut it off rather than buffer without end.
      asio::post(session->executor(), [session] { session->StreamAbort(); });
      return false;
    }
  }
  asio::post(session->executor(), [session, bytes = std::move(bytes)]() mutable {
    session->StreamWrite(std::move(bytes));
  });
  return true;
}

void StreamSink::Close() {
  std::shared_ptr<Session> session = session_.lock();
  if (session) asio::post(session->executor(), [session] { session->StreamClose(); });
}

void StreamSink::OnEnd(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (!ended_) {
      on_end_ = std::move(fn);
      return;
    }
  }
  if (fn) fn();
}

void StreamSink::Ended() {
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    fn = std::move(on_end_);
  }
  if (fn) fn();
}

Status HttpServer::Impl::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("http: cannot listen on " + endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + ": " + ec.message());
  }
  port = acceptor->local_endpoint().port();
  return Status::Ok();
}

void HttpServer::Impl::DoAccept() {
  acceptor->async_accept(*io, [this](boost::system::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor->is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](boost::system::error_code e) {
        if (!e) DoAccept();
      });
      return;
    }
    boost::system::error_code remote_ec;
    auto remote = socket.remote_endpoint(remote_ec);
    std::string client = remote_ec ? std::string() : ClientKey(remote.address().to_string());
    Admit admit = Decide(client);
    std::uint64_t id = next_session_id++;
    auto session = std::make_shared<Session>(this, id, std::move(socket));
    Register(id, session, client, admit != Admit::kRefuse);
    if (admit == Admit::kRefuse) {
      session->Reject();
    } else {
      session->Start(admit == Admit::kReservedOnly);
    }
    DoAccept();
  });
}

Response HttpServer::Impl::Dispatch(const Request& request, std::string* route) {
  RouteMatch match = router.Match(request.method, request.path);
  if (match.kind == RouteMatch::Kind::kNotFound) return Response::Text(404, "not found\n");
  if (match.kind == RouteMatch::Kind::kWrongMethod) {
    Response r = Response::Text(405, "method not allowed\n");
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  *route = match.pattern;
  try {
    return match.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {} handler threw: {}", request.method, match.pattern, e.what());
  } catch (...) {
    spdlog::error("http: {} {} handler threw a non-exception", request.method, match.pattern);
  }
  return Response::Text(500, "internal error\n");
}

void HttpServer::Impl::Record(const std::string& route, int status, double seconds) {
  registry
      .GetCounter("muster_http_requests_total", "HTTP requests answered, by route and status.",
                  {{"route", route}, {"code", std::to_string(status)}})
      .Inc();
  registry
      .GetHistogram("muster_http_request_duration_seconds",
                    "HTTP request handling time in seconds (request read to response start).",
                    {{"route", route}})
      .Observe(seconds);
  spdlog::debug("http: {} {} -> {}", route, status, seconds);
}

void HttpServer::Impl::Stop() {
  std::call_once(stop_once, [this] {
    stopping = true;
    asio::post(*io, [this] {
      boost::system::error_code ec;
      acceptor->close(ec);
      accept_retry->cancel();
      std::vector<std::shared_ptr<Session>> open;
      {
        std::lock_guard lock(sessions_mu);
        for (auto& [id, entry] : sessions) {
          if (auto s = entry.session.lock()) open.push_back(std::move(s));
        }
      }
      for (auto& s : open) s->Close();
    });
    workers.join();  // handlers already running finish; queued ones are skipped
    io->stop();
    if (io_thread.joinable()) io_thread.join();
    accept_retry.reset();
    acceptor.reset();
    io.reset();  // destroys what is left of the sessions
  });
}

// ---------------------------------------------------------------- HttpServer

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen, int threads) {
  Options options;
  options.threads = threads;
  return Start(listen, options);
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                      const Options& options) {
  auto endpoint = ParseListen(listen);
  if (!endpoint.ok()) return endpoint.status();
  if (options.threads < 1 || options.max_connections < 1 ||
      options.max_connections_per_client < 1 || options.reserved_connections < 0) {
    return Status::InvalidArgument("http",
                                   "threads, max_connections and max_connections_per_client must "
                                   "be at least 1, reserved_connections at least 0");
  }
  auto impl = std::make_unique<Impl>(options);
  MUSTER_RETURN_IF_ERROR(impl->Listen(*endpoint));
  impl->DoAccept();
  Impl* raw = impl.get();
  impl->io_thread = std::thread([raw] { raw->io->run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const {
  return impl_->port;
}

void HttpServer::Handle(std::string method, std::string path, Handler handler) {
  impl_->router.Add(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::Stop() {
  impl_->Stop();
}

int HttpServer::open_connections() const {
  return impl_->OpenConnections();
}

}  // namespace muster::http

// A small HTTP/1.1 server (Boost.Beast) for the daemon's operational and
// answer endpoints: /healthz, /readyz, /metrics, reservists' answer links and
// SMS gateway callbacks.
//
// Plain HTTP only: it listens on loopback by default; put TLS in a reverse
// proxy in front of it (docs/monitoring.md).
//
// Threads: one I/O thread runs the acceptor and every connection; handlers
// run on the server's own worker pool (Options::threads), so a handler that
// blocks for a few milliseconds (an SQLite write) never stalls accepting or
// reading. Handlers may run concurrently with each other.
//
// Limits: the first byte of a request must arrive within
// Options::idle_timeout (a new connection, and between keep-alive requests),
// the rest of it (headers and body) within Options::read_timeout; the body is
// at most Options::body_limit bytes (413 otherwise). At most
// Options::max_connections connections are served at once, and at most
// Options::max_connections_per_client from one client address; more get 503
// and are closed. Beyond max_connections, Options::reserved_connections more
// may be open for Options::reserved_paths only (health and readiness), so a
// full server still answers its health checks.
//
// Request bodies are never logged (they may hold phone numbers).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace muster::metrics {
class Registry;
}

namespace muster::http {

struct Request {
  std::string method;                          // "GET", "HEAD", "POST", ...
  std::string path;                            // percent-decoded, without the query
  std::string target;                          // as sent: path and query, not decoded
  std::map<std::string, std::string> query;    // decoded; first value wins on repeats
  std::map<std::string, std::string> headers;  // lower-case names; repeats joined by ", "
  std::string body;
  std::string remote_address;  // "127.0.0.1:53012"

  // The header's value, or "" when absent. `name` in lower case.
  std::string Header(const std::string& name) const;
};

// The writing end of a streamed response (Server-Sent Events): the body is
// written piece by piece, for as long as the connection lasts. Thread-safe.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues bytes for the client. False once the stream has ended (client
  // gone, Close(), server stopping), or when more than kMaxQueuedBytes are
  // waiting: a client that does not read is cut off rather than buffered.
  virtual bool Write(std::string bytes) = 0;
  // Ends the response: what is queued is sent, then the connection closes.
  virtual void Close() = 0;
  // `fn` runs once, on any thread, when the stream ends for whatever
  // reason; at once if it already has. Set it before relying on Write.
  virtual void OnEnd(std::function<void()> fn) = 0;
  static constexpr std::size_t kMaxQueuedBytes = 1 << 20;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, `body` is ignored: the status line and headers are sent
  // without a length ("Connection: close" ends the body), no timeout
  // applies, and `stream` is called once (on the I/O thread; it must not
  // block) with the writing end.
  std::function<void(std::shared_ptr<ResponseStream>)> stream;

  static Response Text(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

// Synchronous; runs on a worker thread. An exception becomes a 500.
using Handler = std::function<Response(const Request&)>;

// Decodes application/x-www-form-urlencoded text or a query string: '+' is a
// space, %XX a byte; pairs without '=' get an empty value; the first value
// wins on repeated names; malformed escapes are kept literally.
std::map<std::string, std::string> ParseFormUrlEncoded(std::string_view text);

// Percent-decodes a path ('+' stays '+'). False on a malformed escape.
bool DecodePath(std::string_view in, std::string* out);
// Splits a request target as sent ("/r/abc/accept?x=1") into the
// percent-decoded path and the decoded query (ParseFormUrlEncoded), as the
// server fills Request::path and Request::query. False (the server answers
// 400) when the path is empty, does not start with '/', or has a malformed
// escape.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

// True when the host of a "HOST:PORT" / "[V6]:PORT" listen address is a
// loopback address: an IPv4 address in 127.0.0.0/8 (dotted quad, parsed as
// an address, so "127.evil.com" is not one), ::1 (or ::ffff:127.x.y.z), or
// "localhost". Anything else, including other host names, is not.
bool IsLoopbackListen(std::string_view host_port);

// The client a connection counts against for the per-client limit: an IPv4
// address as it is (v4-mapped IPv6 unwrapped), an IPv6 address by its /64
// ("2001:db8:1:2::/64"), since one host usually holds a whole /64. Text
// that is not an address is returned unchanged.
std::string ClientKey(std::string_view address);

class HttpServer {
 public:
  struct Options {
    int threads = 2;                                 // handler worker threads (>= 1)
    std::chrono::milliseconds idle_timeout{5'000};   // until a request's first byte
    std::chrono::milliseconds read_timeout{10'000};  // from the first byte to the whole request
    std::size_t body_limit = 64 * 1024;              // bytes; larger bodies get 413
    int max_connections = 512;                       // served at once; more get 503
    int max_connections_per_client = 32;             // from one IP address; more get 503
    int reserved_connections = 8;  // beyond max_connections, for reserved_paths only
    std::vector<std::string> reserved_paths = {"/healthz", "/readyz"};
    // Where muster_http_requests_total / muster_http_request_duration_seconds
    // go; nullptr = metrics::DefaultRegistry().
    metrics::Registry* registry = nullptr;
  };

  // Binds `listen` ("HOST:PORT", "[::1]:PORT"; port 0 = any free port) and
  // starts serving. Errors: InvalidArgument (field "http.listen") for a bad
  // address, Unavailable when it cannot bind.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& listen, int threads = 2);
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                   const Options& options);

  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (useful with port 0).
  int port() const;

  // Routes `method` ("GET", "POST", ...) on `path`: exact ("/healthz"), or a
  // prefix when it ends in "/" or "*" ("/r/*" and "/r/" both match
  // "/r/abc/accept"). An exact route beats a prefix, a longer prefix beats a
  // shorter one. A known path with another method gets 405 (with Allow); GET
  // routes also answer HEAD (body dropped). Re-registering replaces the
  // handler. Thread-safe; may be called before or after requests arrive.
  void Handle(std::string method, std::string path, Handler handler);

  // Stops accepting, closes every connection (in-flight requests are cut off
  // once their handler returns) and joins all threads. Idempotent. Must not
  // be called from a handler.
  void Stop();

  // Connections currently open, refused ones still closing included (for
  // tests and metrics).
  int open_connections() const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace muster::http

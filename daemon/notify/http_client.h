// HttpClient: the one HTTP/1.1 client shared by the webhook and sms backends.
// Async on Boost.Beast (C++20 coroutines), no thread per request. Keeps a
// small pool of idle keep-alive connections per scheme://host:port; a
// connection that errors is dropped, and a request that fails on a reused
// idle connection before any response byte is retried once on a new one (the
// server may have closed it meanwhile). HTTPS verifies the server certificate
// (system store, or ca_file) and its host name, and sends SNI.
//
// Thread-safety: Send and Shutdown may be called from any thread. All I/O
// and pool state live on a strand of one I/O thread shared by every client
// in the process (so a dispatcher's bookkeeping and its HTTP traffic use
// different cores); callbacks run on the executor given to Create, which
// counts each request as outstanding work until its callback has run.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "notify/address_policy.h"
#include "notify/notifier.h"

namespace muster::notify {

class SettingsReader;

struct Url {
  bool tls = false;              // https
  std::string host;              // without brackets for IPv6 literals
  uint16_t port = 80;            // default 80 / 443
  std::string target;            // path + query, at least "/"
  std::string HostPort() const;  // "host:port" ([v6]:port)
};

// Parses an absolute http:// or https:// URL. Errors: InvalidArgument with
// an empty field and a message like "expected an http:// or https:// URL".
Result<Url> ParseUrl(const std::string& text);

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";  // POST | PUT | GET
  Url url;
  std::string content_type;  // "" = no Content-Type header
  HeaderList headers;        // extra headers, sent as given
  std::string body;
};

struct HttpResponse {
  HttpResponse() = default;
  HttpResponse(std::string error_in, int status_in, std::string reason_in, std::string body_in)
      : error(std::move(error_in)),
        status(status_in),
        reason(std::move(reason_in)),
        body(std::move(body_in)) {}
  // Transport failure (connect, TLS, timeout, shutdown); "" when a response
  // arrived, e.g. "connect 127.0.0.1:9: Connection refused",
  // "timed out after 10000 ms".
  std::string error;
  int status = 0;      // HTTP status when error is ""
  std::string reason;  // "Service Unavailable"
  std::string body;    // at most 1 MiB
  // The target resolved only to addresses the client's AddressPolicy
  // refuses (error says which); nothing was sent.
  bool refused = false;
};

struct HttpClientOptions {
  int connect_timeout_ms = 3000;   // TCP connect + TLS handshake
  int timeout_ms = 10000;          // the whole request, connect included
  std::string ca_file;             // PEM CA bundle; "" = system store
  bool verify = true;              // verify the server certificate and host name
  size_t max_idle_per_host = 128;  // idle keep-alive connections kept per host:port
  // HTTP/1.1 pipelining: requests written on one connection before their
  // responses arrive (1 = off: one request per connection at a time). Only
  // for receivers known to handle pipelined requests; with N > 1, at most
  // max_idle_per_host connections are opened per host:port, each carrying
  // up to N requests, and the requests a failed connection leaves
  // unanswered are sent again once (with their idempotency key).
  int pipeline = 1;
  // Which resolved addresses may be connected to (checked at every connect).
  AddressPolicy addresses = AddressPolicy::AllowAll();
};

class HttpClient {
 public:
  // Fails (InvalidArgument, field "ca_file") if ca_file cannot be loaded.
  static Result<std::shared_ptr<HttpClient>> Create(boost::asio::any_io_executor executor,
                                                    HttpClientOptions options);
  virtual ~HttpClient() = default;

  // Sends one request; `done` runs once, on the executor.
  virtual void Send(HttpRequest request, std::function<void(HttpResponse)> done) = 0;
  // Closes every connection; in-flight requests complete with error "shut down",
  // later ones fail at once. Returns once every in-flight request has handed
  // its result to the callbacks' executor (at most ~10 s).
  virtual void Shutdown() = 0;
  // TCP connections opened so far (tests check keep-alive reuse with it).
  virtual int64_t connections_opened() const = 0;
};

// Maps an HTTP result to a notifier outcome: 2xx -> `success`; 408, 429, 5xx
// and transport errors -> kRetry; an address the policy refuses and other
// statuses -> kPermanent. detail is "HTTP 503 Service Unavailable" (the
// standard reason phrase, never the receiver's) or the transport error.
SendResult MapHttpResponse(const HttpResponse& response, SendOutcome success);

// Reads the HTTP settings shared by webhook and sms (connect_timeout_ms,
// timeout_ms, ca_file, verify).
HttpClientOptions ReadHttpClientOptions(SettingsReader& reader);
// Reads an array of "Name: value" header lines (errors name the key).
HeaderList ReadHeaderList(SettingsReader& reader, const std::string& key);
// Parses one "Name: value" line; false if malformed (bad name, CR/LF).
bool ParseHeaderLine(const std::string& line, std::pair<std::string, std::string>* out);

}  // namespace muster::notify

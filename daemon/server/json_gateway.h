// JsonGateway: musterd's gRPC API over HTTP with JSON, for the planner
// console and for any system that can send an HTTP request (docs/api-json.md).
//
// It is the gRPC API, not a second one. `POST /muster.v1.<Service>/<Method>`
// with a JSON body (protobuf's canonical JSON mapping of the request
// message, as the Connect protocol sends unary calls) becomes a call of that
// method on the gRPC server's in-process channel, carrying the caller's
// `authorization`: the same handlers, validation, area scope, metrics and
// audit interceptors run as for a gRPC client. The one step the in-process
// channel skips, the listening port's credentials processor (token, role,
// audit-first row), is made by SecurityLayer::AdmitInProcess, the same
// function the processor calls. Errors come back as Connect's JSON error,
// {"code":"invalid_argument","message":"..."}, with the HTTP status Connect
// gives that code.
//
// WatchActivation (server streaming) is relayed as Server-Sent Events, one
// `data:` line of JSON per event; at most max_streams relays are open at
// once. Thread-safe.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "http/http_server.h"

namespace muster {

class SecurityLayer;

// The HTTP status Connect gives a gRPC code (e.g. INVALID_ARGUMENT -> 400).
int HttpStatusOfCode(grpc::StatusCode code);
// Connect's name of a gRPC code: "invalid_argument", "unauthenticated", ...
std::string ConnectCodeName(grpc::StatusCode code);
// A Connect JSON error response for `status` (not OK).
http::Response ErrorResponse(const grpc::Status& status, const std::string& request_id = "");

class JsonGateway {
 public:
  JsonGateway(std::shared_ptr<grpc::Channel> channel, SecurityLayer& security, int max_streams);
  ~JsonGateway();
  JsonGateway(const JsonGateway&) = delete;
  JsonGateway& operator=(const JsonGateway&) = delete;

  // One unary call. `path`: "/muster.v1.RosterService/GetReservist";
  // `json`: the request message ("" = the empty message); `authorization`:
  // "Bearer <token>" or "". Unknown methods 404; streaming ones are
  // refused (UNIMPLEMENTED, naming what to use instead).
  http::Response Unary(std::string_view path, std::string_view json,
                       const std::string& authorization, const std::string& request_id);

  // Opens a server-streaming watch and answers with its Server-Sent Events
  // stream; refusals before the stream opens are JSON errors.
  http::Response Watch(std::string_view path, std::string_view json,
                       const std::string& authorization, const std::string& request_id);

  // Ends every open event stream and refuses new ones (UNAVAILABLE).
  // Idempotent; called before the gRPC server shuts down.
  void Shutdown();

  int open_streams() const { return open_streams_.load(); }

  class Relay;

 private:
  friend class Relay;
  void Released(Relay* relay);

  std::shared_ptr<grpc::Channel> channel_;
  SecurityLayer& security_;
  const int max_streams_;
  std::atomic<int> open_streams_{0};
  std::mutex mu_;
  bool shut_down_ = false;
  std::set<std::shared_ptr<Relay>> relays_;
  std::condition_variable ended_;  // a relay was released
};

}  // namespace muster

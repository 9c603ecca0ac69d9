// The connection to musterd: channel creation, per-call deadlines, and the
// one place where gRPC errors become messages and exit codes.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "exit_code.h"
#include "muster/v1/roster.grpc.pb.h"

namespace muster::client {

struct ConnectionOptions {
  // gRPC target, "HOST:PORT" (or any gRPC target such as "unix:/path").
  // Default "127.0.0.1:7070".
  std::string server = "127.0.0.1:7070";
  // Deadline of every unary call, and the longest a stream may go without
  // progress. Default 10 s.
  std::chrono::milliseconds timeout{10'000};
  // Bearer token sent as "authorization: Bearer <token>" on every call;
  // "" = none.
  std::string token;
  // TLS: ca_file set = TLS, the server's certificate verified against this
  // PEM bundle; cert_file + key_file = the client certificate for mutual
  // TLS (TLS with the system roots if ca_file is empty). All empty =
  // plaintext.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Thrown by Connection::channel() when the TLS options cannot be used (a
// file is unreadable, --cert without --key). CommandEnv reports it as a
// usage error.
struct ConnectionSetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Holds the channel (created on first use: plaintext, or TLS when a TLS
// option is set; the token is added to every call) and the stubs. Calls
// never wait for the server to become ready: a server that is down fails a
// call at once with UNAVAILABLE. Not thread-safe to create stubs from several
// threads at once; the stubs themselves are thread-safe.
class Connection {
 public:
  // `channel` overrides channel creation (tests pass an in-process channel).
  explicit Connection(ConnectionOptions options,
                      std::shared_ptr<grpc::ChannelInterface> channel = nullptr);

  const ConnectionOptions& options() const { return options_; }
  std::shared_ptr<grpc::ChannelInterface> channel();
  muster::v1::RosterService::StubInterface& roster();

  // Sets the deadline of a unary call: now + options().timeout.
  void SetDeadline(grpc::ClientContext* context) const;

 private:
  ConnectionOptions options_;
  std::shared_ptr<grpc::ChannelInterface> channel_;
  std::unique_ptr<muster::v1::RosterService::StubInterface> roster_;
};

// "INVALID_ARGUMENT", "UNAVAILABLE", ...
std::string_view StatusCodeName(grpc::StatusCode code);

// UNAVAILABLE and DEADLINE_EXCEEDED -> kExitUnavailable; UNAUTHENTICATED and
// PERMISSION_DENIED -> kExitDenied; OK -> kExitOk; anything else (the server
// rejected the request) -> kExitFailed.
ExitCode ExitCodeFor(grpc::StatusCode code);

// "CODE: server message", plus a hint for UNAVAILABLE / DEADLINE_EXCEEDED
// naming the server, e.g. "UNAVAILABLE: failed to connect to all addresses
// (is musterd running at 127.0.0.1:7070?)".
std::string DescribeRpcError(const grpc::Status& status, std::string_view server);

}  // namespace muster::client

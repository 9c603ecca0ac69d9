// Daemon: owns musterd's parts (store, roster, gRPC server) and their
// lifecycle. main.cpp only parses flags, starts a Daemon and turns signals
// into Shutdown(). Thread-safe: Shutdown may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "core/status.h"

namespace grpc {
class Server;
}

namespace muster {

class MemoryTrimmer;
class JsonGateway;
class ConsoleSessions;
class Console;

class RosterStore;
class Roster;
class RosterIndex;
class ActivationStore;
class ActivationManager;
class SecurityLayer;
namespace dispatch {
class Dispatcher;
class AnswerPages;
}  // namespace dispatch
namespace http {
class HttpServer;
}
namespace api {
class RosterServiceImpl;
class ActivationServiceImpl;
class AdminServiceImpl;
}  // namespace api

// The largest message musterd receives, on any method: gRPC refuses a larger
// one with RESOURCE_EXHAUSTED before parsing it. gRPC C++ applies one receive
// limit to a whole server (a service config's per-method limits are read by
// client channels only), so it is sized for the largest unary request (a
// reservist or an activation with every list at its maximum, some 40 KiB)
// with room to spare; the roster import, the only bulk path, streams rows in
// messages that musterctl keeps under 1 MiB (see client/roster_import.h).
inline constexpr int kMaxReceiveMessageBytes = 1 << 20;

class Daemon {
 public:
  // Opens the database (migrating it), seeds the demo roster if asked, and
  // starts serving. Errors name the problem (bad address, newer schema...).
  static Result<std::unique_ptr<Daemon>> Start(const DaemonConfig& config);
  ~Daemon();

  int grpc_port() const { return grpc_port_; }
  // 0 when the HTTP endpoint is off.
  int http_port() const;

  // Stops accepting RPCs, lets in-flight ones finish for up to grace, then
  // cancels the rest. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  Daemon() = default;
  Status OpenRoster(const DaemonConfig& config);
  Status OpenActivations(const DaemonConfig& config);
  Status OpenDispatch(const DaemonConfig& config);
  Status OpenHttp(const DaemonConfig& config);
  Status ServeHttp(const DaemonConfig& config);
  Status Serve(const DaemonConfig& config);
  Status ServeConsole(const DaemonConfig& config);

  std::unique_ptr<SecurityLayer> security_;
  std::unique_ptr<RosterStore> store_;
  std::unique_ptr<Roster> roster_;
  std::unique_ptr<RosterIndex> index_;
  std::unique_ptr<ActivationStore> activation_store_;
  std::unique_ptr<ActivationManager> activations_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<dispatch::Dispatcher> dispatcher_;
  std::unique_ptr<dispatch::AnswerPages> answer_pages_;
  std::unique_ptr<api::RosterServiceImpl> roster_service_;
  std::unique_ptr<api::ActivationServiceImpl> activation_service_;
  std::unique_ptr<api::AdminServiceImpl> admin_service_;
  std::unique_ptr<grpc::Server> server_;
  // The JSON API, sign-in and pages on the HTTP endpoint (after server_).
  std::unique_ptr<JsonGateway> gateway_;
  std::unique_ptr<ConsoleSessions> sessions_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<MemoryTrimmer> trimmer_;  // returns freed memory every 30 s
  int grpc_port_ = 0;
  std::atomic<bool> serving_{false};  // gRPC is up (read by /readyz)
  std::once_flag shutdown_once_;
};

// True for 127.0.0.0/8, ::1 and "localhost" listen addresses, parsed as
// addresses (http::IsLoopbackListen): "127.evil.com" is not loopback.
bool IsLoopbackAddress(const std::string& host_port);

}  // namespace muster

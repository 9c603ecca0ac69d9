// Daemon: owns musterd's parts (store, roster, gRPC server) and their
// lifecycle. main.cpp only parses flags, starts a Daemon and turns signals
// into Shutdown(). Thread-safe: Shutdown may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace grpc {
class Server;
}

namespace muster {

class RosterStore;
class Roster;
namespace api {
class RosterServiceImpl;
}

struct DaemonOptions {
  std::string db_path = "./muster.db";    // SQLite database file, created if absent
  std::string listen = "127.0.0.1:7070";  // gRPC HOST:PORT; port 0 picks a free port
  bool demo = false;                      // seed the demo roster when the roster is empty
  std::string port_file;                // if set, the bound gRPC port is written here once serving
  bool allow_remote_plaintext = false;  // allow plaintext gRPC on a non-loopback address
};

class Daemon {
 public:
  // Opens the database (migrating it), seeds the demo roster if asked, and
  // starts serving. Errors name the problem (bad address, newer schema...).
  static Result<std::unique_ptr<Daemon>> Start(const DaemonOptions& options);
  ~Daemon();

  int grpc_port() const { return grpc_port_; }

  // Stops accepting RPCs, lets in-flight ones finish for up to grace, then
  // cancels the rest. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  Daemon() = default;
  Status Serve(const DaemonOptions& options);

  std::unique_ptr<RosterStore> store_;
  std::unique_ptr<Roster> roster_;
  std::unique_ptr<api::RosterServiceImpl> roster_service_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  std::once_flag shutdown_once_;
};

// True for 127.0.0.0/8, ::1 and "localhost" listen addresses.
bool IsLoopbackAddress(const std::string& host_port);

}  // namespace muster

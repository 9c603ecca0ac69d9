// What every musterctl command runs with: the global options, the output
// streams, the connection to musterd, and the plumbing that lets a command
// group register its subcommands with CLI11 and run after parsing.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "connection.h"
#include "core/status.h"
#include "exit_code.h"
#include "output.h"

namespace muster::client {

// Where a run reads and writes; tests substitute string streams and an
// in-process channel.
struct RunEnvironment {
  std::ostream* out = nullptr;  // results
  std::ostream* err = nullptr;  // errors, progress
  std::istream* in = nullptr;   // confirmations, "-" files
  bool stdin_is_terminal = false;
  bool stderr_is_terminal = false;
  // If set, used instead of connecting to --server.
  std::shared_ptr<grpc::ChannelInterface> channel;
};

// The flags on musterctl itself (before or after the command).
struct GlobalOptions {
  // --server HOST:PORT, else $MUSTER_SERVER, else "127.0.0.1:7070".
  std::string server = "127.0.0.1:7070";
  // --output table|json. Default "table".
  std::string output = "table";
  // --timeout SECONDS: deadline of each call; see ConnectionOptions. Default 10.
  double timeout_seconds = 10;
  // --token, else $MUSTER_TOKEN: bearer token ("" = none).
  std::string token;
  // --ca FILE: TLS, verifying the server against this CA bundle.
  // --cert FILE / --key FILE: client certificate for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Shared by all commands of one run. Not thread-safe (commands use it from
// the main thread).
class CommandEnv {
 public:
  explicit CommandEnv(RunEnvironment env) : env_(std::move(env)) {}

  GlobalOptions& options() { return options_; }
  OutputFormat format() const;
  bool json() const { return format() == OutputFormat::kJson; }
  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  std::istream& in() { return *env_.in; }
  bool stdin_is_terminal() const { return env_.stdin_is_terminal; }
  bool stderr_is_terminal() const { return env_.stderr_is_terminal; }

  // The connection to musterd, created on first use from the options.
  Connection& connection();

  // Prints "error: <message>" on err() and returns `code`.
  int Fail(ExitCode code, std::string_view message);
  // Prints "error: CODE: server message" and returns ExitCodeFor(code).
  int Fail(const grpc::Status& status);
  // For a malformed flag value: prints "error: <field>: <message>" and
  // returns kExitUsage.
  int FailUsage(const Status& status);

  // Runs `action` after parsing succeeds (the last one set wins). Used by
  // leaf subcommands through OnRun().
  void SetAction(std::function<int()> action) { action_ = std::move(action); }
  bool has_action() const { return static_cast<bool>(action_); }
  // Runs the action; an escaping exception is reported as an internal error.
  int RunAction();

 private:
  RunEnvironment env_;
  GlobalOptions options_;
  std::unique_ptr<Connection> connection_;
  std::function<int()> action_;
};

// Makes `sub` run `run` when it is the command given on the command line.
void OnRun(CLI::App* sub, CommandEnv& env, std::function<int()> run);

// Registers a command group's subcommands on the root app. Each group is one
// such function, listed in app.cc.
using CommandGroup = void (*)(CLI::App& root, CommandEnv& env);

}  // namespace muster::client

#include "app.h"

#include <unistd.h>

#include <iostream>

#include "commands.h"

namespace muster::client {
namespace {

// --timeout is at most a day: beyond that a deadline is no deadline, and the
// milliseconds must fit an int64.
constexpr double kMaxTimeoutSeconds = 86400;

// Every command group, in --help order. A new group (activate, preview,
// watch, audit) adds one line here and its Register function in commands.h.
// An explicit list rather than static self-registration, because the linker
// drops unreferenced object files of a static library, registrars included.
constexpr CommandGroup kCommandGroups[] = {
    RegisterRosterCommands,     RegisterReservistCommands, RegisterSkillCommands,
    RegisterActivationCommands, RegisterReadinessCommands, RegisterDispatchCommands,
    RegisterAdminCommands,      RegisterAuditCommands,
};

constexpr const char* kFooter = R"(
Environment:
  MUSTER_SERVER   default for --server
  MUSTER_TOKEN    default for --token
Exit codes:
  0  ok
  1  failed: the server rejected the request, an import rejected rows,
     or a local file could not be read or written
  2  usage error (unknown command or flag, malformed flag value)
  3  server unreachable or not answering in time
  4  not authenticated or not permitted)";

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  app.add_option("--server", options.server, "musterd address, HOST:PORT")
      ->envname("MUSTER_SERVER")
      ->capture_default_str();
  app.add_option("--output", options.output, "Output format: table (people) or json (scripts)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_seconds,
                 "Seconds to wait for each call; long streams are cut off only after this "
                 "long without progress")
      ->check(NumberIn(0, kMaxTimeoutSeconds))
      ->capture_default_str();
  app.add_option("--token", options.token,
                 "Bearer token for musterd (prefer MUSTER_TOKEN: flags show in ps)")
      ->envname("MUSTER_TOKEN");
  app.add_option("--ca", options.ca_file,
                 "Use TLS and verify the server against this PEM CA bundle");
  app.add_option("--cert", options.cert_file,
                 "Client certificate (PEM) for mutual TLS; needs --key");
  app.add_option("--key", options.key_file, "Private key (PEM) of --cert");
}

// The innermost subcommand given on the command line (or the app itself).
CLI::App* InnermostCommand(CLI::App* app) {
  for (;;) {
    std::vector<CLI::App*> subs = app->get_subcommands();
    if (subs.empty()) return app;
    app = subs.front();
  }
}

int ReportParseError(CLI::App& app, const CLI::ParseError& e, const RunEnvironment& env) {
  if (e.get_exit_code() == 0) {  // --help and friends
    app.exit(e, *env.out, *env.err);
    return kExitOk;
  }
  *env.err << "error: " << e.what() << " (see --help)\n";
  return kExitUsage;
}

}  // namespace

int RunMusterctl(int argc, const char* const* argv, const RunEnvironment& env) {
  CLI::App app("musterctl: manage the reserve roster of a Muster daemon (musterd)", "musterctl");
  app.fallthrough();  // global flags are accepted after the command too
  CommandEnv command_env(env);
  AddGlobalOptions(app, command_env.options());
  for (CommandGroup group : kCommandGroups) group(app, command_env);
  app.footer(kFooter);  // after the groups, which would inherit it
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(app, e, env);
  }
  if (!command_env.has_action()) {
    // A group without its subcommand, e.g. `musterctl roster`.
    *env.err << InnermostCommand(&app)->help();
    return kExitUsage;
  }
  return command_env.RunAction();
}

int RunMusterctl(int argc, char** argv) {
  RunEnvironment env;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.in = &std::cin;
  env.stdin_is_terminal = isatty(STDIN_FILENO) == 1;
  env.stderr_is_terminal = isatty(STDERR_FILENO) == 1;
  return RunMusterctl(argc, argv, env);
}

}  // namespace muster::client

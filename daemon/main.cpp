// musterd: reads the config file and flags, starts the Daemon, and turns
// SIGINT/SIGTERM into a clean shutdown. All logic lives in the libraries.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

#include "config/config.h"
#include "dispatch/dispatcher.h"
#include "server/daemon.h"
#include "server/logging.h"

namespace {

// Flags given on the command line; each overrides the config file's value.
struct Overrides {
  std::optional<std::string> db, listen, port_file, log_level, log_format, http_listen,
      http_port_file, public_url;
  bool demo = false, allow_remote_plaintext = false, http_allow_remote_plaintext = false;
};

void AddFlags(CLI::App& app, std::string& config_path, bool& check_only, Overrides& o) {
  app.add_option("--config", config_path, "TOML config file (see deploy/musterd.toml)");
  app.add_flag("--check-config", check_only, "Validate the config and flags, then exit");
  app.add_option("--db", o.db, "SQLite database file, created if absent [./muster.db]");
  app.add_option("--listen", o.listen, "gRPC listen HOST:PORT; port 0 = any free [127.0.0.1:7070]");
  app.add_flag("--demo", o.demo, "Seed a demo roster around Tewkesbury if the roster is empty");
  app.add_option("--port-file", o.port_file, "Write the bound gRPC port here once serving");
  app.add_flag("--allow-remote-plaintext", o.allow_remote_plaintext,
               "Allow plaintext gRPC on a non-loopback address");
  app.add_option("--log-level", o.log_level, "trace|debug|info|warn|error [info]");
  app.add_option("--log-format", o.log_format, "text|json (one JSON object per line) [text]");
  app.add_option("--http-listen", o.http_listen,
                 "HTTP endpoint HOST:PORT for answer links, gateway callbacks, /metrics, /healthz; "
                 "port 0 = any free port; \"\" = none [127.0.0.1:7071]");
  app.add_flag("--http-allow-remote-plaintext", o.http_allow_remote_plaintext,
               "Allow the plain-HTTP endpoint on a non-loopback address (behind a TLS proxy)");
  app.add_option("--http-port-file", o.http_port_file,
                 "Write the bound HTTP port here once serving");
  app.add_option("--public-url", o.public_url,
                 "Base URL of answer links as reservists reach it [http://<http-listen>]");
}

void Apply(const Overrides& o, muster::DaemonConfig& c) {
  if (o.db) c.db_path = *o.db;
  if (o.listen) c.listen = *o.listen;
  if (o.port_file) c.port_file = *o.port_file;
  if (o.log_level) c.log_level = *o.log_level;
  if (o.log_format) c.log_format = *o.log_format;
  if (o.http_listen) c.http_listen = *o.http_listen;
  if (o.http_port_file) c.http_port_file = *o.http_port_file;
  if (o.public_url) c.public_url = *o.public_url;
  if (o.demo) c.demo = true;
  if (o.allow_remote_plaintext) c.allow_remote_plaintext = true;
  if (o.http_allow_remote_plaintext) c.http_allow_remote_plaintext = true;
}

int Serve(const muster::DaemonConfig& config) {
  // Handlers first, so a SIGTERM during start-up still shuts down cleanly.
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  auto started = muster::Daemon::Start(config);
  if (!started.ok()) {
    spdlog::error("cannot start: {}", started.status().ToString());
    return 1;
  }
  std::unique_ptr<muster::Daemon> daemon = std::move(started).value();
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {} received", signo);
    daemon->Shutdown(std::chrono::seconds(10));
  });
  std::thread signal_thread([&] { io.run(); });
  daemon->Wait();
  io.stop();
  signal_thread.join();
  daemon.reset();  // closes the database
  spdlog::info("musterd stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A big activation allocates and frees hundreds of MiB in bursts (the
  // selection, the dispatcher's per-call-out state). glibc's defaults give
  // freed memory back to the kernel at once and grow the heap in small
  // steps, so every burst paid for its pages again in page faults; keep
  // freed memory and grow in bigger steps instead.
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  CLI::App app{"musterd: the Muster mobilisation daemon (volunteer reserve roster and call-outs)"};
  std::string config_path;
  bool check_only = false;
  Overrides overrides;
  AddFlags(app, config_path, check_only, overrides);
  CLI11_PARSE(app, argc, argv);

  muster::DaemonConfig config;
  if (!config_path.empty()) {
    auto loaded = muster::LoadConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "musterd: invalid config: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    config = *loaded;
  }
  Apply(overrides, config);
  if (auto st = muster::ValidateConfig(config); !st.ok()) {
    std::fprintf(stderr, "musterd: invalid config: %s\n", st.ToString().c_str());
    return 2;
  }
  if (check_only) {
    // What start-up builds, built here too: a setting only a backend checks
    // must not pass the check and then stop the daemon.
    if (auto st = muster::dispatch::CheckBackends(config); !st.ok()) {
      std::fprintf(stderr, "musterd: invalid config: %s\n", st.ToString().c_str());
      return 2;
    }
    std::printf("config ok\n");
    return 0;
  }
  // Logs go to stderr (stdout stays free for --check-config and the like).
  if (auto st = muster::logging::SetupLogging(config.log_level, config.log_format); !st.ok()) {
    std::fprintf(stderr, "musterd: invalid config: %s\n", st.ToString().c_str());
    return 2;
  }
  return Serve(config);
}

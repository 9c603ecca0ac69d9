// musterd: parses flags, starts the Daemon, and turns SIGINT/SIGTERM into a
// clean shutdown. All logic lives in the libraries.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>

#include "server/daemon.h"

int main(int argc, char** argv) {
  muster::DaemonOptions options;
  CLI::App app{"musterd: the Muster mobilisation daemon (volunteer reserve roster and call-outs)"};
  app.add_option("--db", options.db_path, "SQLite database file (created if absent)")
      ->capture_default_str();
  app.add_option("--listen", options.listen, "gRPC listen address HOST:PORT (port 0: any free)")
      ->capture_default_str();
  app.add_flag("--demo", options.demo,
               "Seed a demo roster around Tewkesbury if the roster is empty");
  app.add_option("--port-file", options.port_file,
                 "Write the bound gRPC port to this file once serving");
  app.add_flag("--allow-remote-plaintext", options.allow_remote_plaintext,
               "Allow plaintext gRPC on a non-loopback address");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  // Install the handlers before anything can take a while, so an early
  // SIGTERM still shuts down cleanly.
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);

  auto started = muster::Daemon::Start(options);
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

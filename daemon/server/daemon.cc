#include "server/daemon.h"

#include <fmt/format.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/roster_service.h"
#include "roster/roster.h"
#include "store/sqlite_roster_store.h"

namespace muster {
namespace {

constexpr const char* kServiceNames[] = {"muster.v1.RosterService"};

Status WritePortFile(const std::string& path, int port) {
  // Write then rename, so a reader never sees a half-written file.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return Status::Internal(fmt::format("cannot write port file {}", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Internal(fmt::format("cannot rename {}: {}", tmp, ec.message()));
  return {};
}

}  // namespace

bool IsLoopbackAddress(const std::string& host_port) {
  std::string host = host_port.substr(0, host_port.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<std::unique_ptr<Daemon>> Daemon::Start(const DaemonConfig& options) {
  if (!options.allow_remote_plaintext && !IsLoopbackAddress(options.listen)) {
    return Status::InvalidArgument(
        "listen", fmt::format("'{}' is not a loopback address; plaintext gRPC is only served on "
                              "loopback unless --allow-remote-plaintext is given",
                              options.listen));
  }
  std::unique_ptr<Daemon> d(new Daemon());
  auto store = SqliteRosterStore::Open(options.db_path);
  if (!store.ok()) return store.status();
  d->store_ = std::move(store).value();
  d->roster_ = std::make_unique<Roster>(*d->store_);
  MUSTER_RETURN_IF_ERROR(d->roster_->Load());
  MUSTER_RETURN_IF_ERROR(d->Serve(options));
  if (!options.port_file.empty()) {
    MUSTER_RETURN_IF_ERROR(WritePortFile(options.port_file, d->grpc_port_));
  }
  return d;
}

Status Daemon::Serve(const DaemonConfig& options) {
  roster_service_ = std::make_unique<api::RosterServiceImpl>(*roster_);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &grpc_port_);
  builder.RegisterService(roster_service_.get());
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  server_ = builder.BuildAndStart();
  if (!server_ || grpc_port_ == 0) {
    return Status::Unavailable(
        fmt::format("cannot listen on {} (address in use or not local?)", options.listen));
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  spdlog::info("musterd serving gRPC on {}:{} (database {})", host, grpc_port_, options.db_path);
  return {};
}

void Daemon::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(shutdown_once_, [&] {
    if (!server_) return;
    spdlog::info("shutting down: finishing in-flight requests (up to {} ms)", grace.count());
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + grace);
  });
}

void Daemon::Wait() {
  if (server_) server_->Wait();
}

Daemon::~Daemon() {
  Shutdown(std::chrono::milliseconds(0));
  Wait();
  server_.reset();
  roster_service_.reset();
  roster_.reset();
  store_.reset();  // closes the database cleanly
}

}  // namespace muster

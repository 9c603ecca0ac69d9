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

#include "activation/activation_manager.h"
#include "activation/sqlite_activation_store.h"
#include "api/activation_service.h"
#include "api/admin_service.h"
#include "api/metrics_interceptor.h"
#include "api/roster_service.h"
#include "core/clock.h"
#include "demo/demo_seed.h"
#include "dispatch/answer_pages.h"
#include "dispatch/dispatcher.h"
#include "http/health_endpoints.h"
#include "http/http_server.h"
#include "metrics/metrics.h"
#include "notify/sms_callback.h"
#include "ranking/roster_index.h"
#include "roster/roster.h"
#include "server/console.h"
#include "server/console_sessions.h"
#include "server/json_gateway.h"
#include "server/memory_trimmer.h"
#include "server/security_layer.h"
#include "store/sqlite_roster_store.h"

namespace muster {
namespace {

constexpr const char* kServiceNames[] = {"muster.v1.RosterService", "muster.v1.ActivationService",
                                         "muster.v1.AdminService", "muster.v1.AuditService"};

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

// Base of answer links and of what gateways call: http.public_url, or the
// HTTP listener's own address. No trailing slash.
std::string PublicUrl(const DaemonConfig& config, int http_port) {
  std::string url = config.public_url;
  if (url.empty() && http_port > 0) {
    std::string host = config.http_listen.substr(0, config.http_listen.rfind(':'));
    url = fmt::format("http://{}:{}", host, http_port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The HTTP endpoint carries answers and gateway callbacks in plain HTTP: off
// loopback only when the operator says a TLS proxy is in front.
Status CheckHttpListen(const DaemonConfig& config) {
  if (config.http_listen.empty() || config.http_allow_remote_plaintext ||
      http::IsLoopbackListen(config.http_listen)) {
    return {};
  }
  return Status::InvalidArgument(
      "http.listen",
      fmt::format("'{}' is not a loopback address; the HTTP endpoint (answer links, SMS "
                  "callbacks) is plain HTTP and is only served on loopback unless "
                  "http.allow_remote_plaintext = true (--http-allow-remote-plaintext) says a "
                  "TLS-terminating proxy is in front (see docs/operations.md)",
                  config.http_listen));
}

}  // namespace

bool IsLoopbackAddress(const std::string& host_port) {
  return http::IsLoopbackListen(host_port);
}

Result<std::unique_ptr<Daemon>> Daemon::Start(const DaemonConfig& options) {
  MUSTER_RETURN_IF_ERROR(CheckHttpListen(options));
  std::unique_ptr<Daemon> d(new Daemon());
  auto security = SecurityLayer::Create(options);
  if (!security.ok()) return security.status();
  d->security_ = std::move(security).value();
  MUSTER_RETURN_IF_ERROR(d->OpenRoster(options));
  MUSTER_RETURN_IF_ERROR(d->OpenActivations(options));
  MUSTER_RETURN_IF_ERROR(d->OpenHttp(options));  // first: answer links need its port
  MUSTER_RETURN_IF_ERROR(d->OpenDispatch(options));
  MUSTER_RETURN_IF_ERROR(d->ServeHttp(options));
  MUSTER_RETURN_IF_ERROR(d->Serve(options));
  MUSTER_RETURN_IF_ERROR(d->ServeConsole(options));
  // The HTTP port file first: tests take the gRPC one as "serving".
  if (d->http_ && !options.http_port_file.empty()) {
    MUSTER_RETURN_IF_ERROR(WritePortFile(options.http_port_file, d->http_->port()));
  }
  if (!options.port_file.empty()) {
    MUSTER_RETURN_IF_ERROR(WritePortFile(options.port_file, d->grpc_port_));
  }
  return d;
}

// Opens the store, loads the in-memory ranking index from it and keeps the
// index in step with every later write; seeds the demo roster if asked.
Status Daemon::OpenRoster(const DaemonConfig& config) {
  auto store = SqliteRosterStore::Open(config.db_path);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  roster_ = std::make_unique<Roster>(*store_);
  MUSTER_RETURN_IF_ERROR(roster_->Load());
  index_ = std::make_unique<RosterIndex>();
  auto skills = roster_->ListSkills();
  if (!skills.ok()) return skills.status();
  std::vector<Skill> catalogue;
  for (const auto& s : *skills) catalogue.push_back(s.skill);
  index_->SetSkills(catalogue);
  roster_->SetSkillListener([this](const Skill& skill) { index_->UpsertSkill(skill); });
  // The listener is installed before the load so no write falls between
  // them; the load replaces whatever the listener applied meanwhile.
  store_->SetChangeListener([this](const RosterChange& change) {
    Status st = index_->ApplyChanges(change.upserted, change.deleted);
    if (!st.ok()) spdlog::error("ranking index update failed: {}", st.ToString());
  });
  auto started = std::chrono::steady_clock::now();
  MUSTER_RETURN_IF_ERROR(index_->Rebuild(
      [this](const ReservistSink& sink) { return store_->ForEachReservist({}, sink); }));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  spdlog::info("ranking index loaded: {} reservists in {} ms", index_->size(), ms);
  if (config.demo) {
    auto seeded = SeedDemoRoster(*roster_);
    if (!seeded.ok()) return seeded.status();
    if (*seeded > 0) spdlog::info("demo roster seeded: {} reservists around Tewkesbury", *seeded);
  }
  return {};
}

Status Daemon::OpenActivations(const DaemonConfig& config) {
  auto store = SqliteActivationStore::Open(config.db_path, SystemClock::Instance());
  if (!store.ok()) return store.status();
  activation_store_ = std::move(store).value();
  activations_ = std::make_unique<ActivationManager>(*activation_store_, *store_, *index_,
                                                     config.ranking, SystemClock::Instance());
  return {};
}

Status Daemon::OpenDispatch(const DaemonConfig& config) {
  dispatch::DispatcherOptions options;
  options.per_person_hourly_cap = config.per_person_hourly_cap;
  options.sweep_interval_ms = config.sweep_interval_ms;
  options.routes = dispatch::RoutesFromConfig(config);
  options.public_url = PublicUrl(config, http_port());
  options.on_state_change = [this](int64_t id, ActivationState state, const std::string&) {
    AuditEntry e;
    e.actor = "dispatcher";
    e.action = std::string("activation/") + ActivationStateName(state);
    e.target = fmt::format("activation_id={}", id);
    e.outcome = "OK";
    auto appended = security_->audit_log().Append(std::move(e));
    if (!appended.ok()) spdlog::error("audit: {}", appended.status().ToString());
  };
  auto d = dispatch::Dispatcher::Start(
      config.db_path, *activations_, *activation_store_, SystemClock::Instance(), options,
      [&config](boost::asio::any_io_executor ex) { return dispatch::BuildBackends(config, ex); });
  if (!d.ok()) return d.status();
  dispatcher_ = std::move(d).value();
  return {};
}

int Daemon::http_port() const {
  return http_ ? http_->port() : 0;
}

Status Daemon::OpenHttp(const DaemonConfig& config) {
  if (config.http_listen.empty()) return {};
  http::HttpServer::Options options;
  // JSON API calls wait for the gRPC handler on a worker thread: more than
  // the default two, so a slow preview does not hold up answer links.
  options.threads = 4;
  options.max_connections_per_client = config.http_max_connections_per_client;
  options.idle_timeout = std::chrono::milliseconds(config.http_idle_timeout_ms);
  auto server = http::HttpServer::Start(config.http_listen, options);
  if (!server.ok()) return server.status();
  http_ = std::move(server).value();
  return {};
}

// Routes go on once everything behind them exists.
Status Daemon::ServeHttp(const DaemonConfig& config) {
  if (!http_) return {};
  dispatch::AnswerPagesOptions pages;
  pages.public_url = PublicUrl(config, http_port());
  auto checks = notify::SmsCallbackChecks(config.notifiers);
  if (!checks.ok()) return checks.status();
  pages.sms_callbacks = std::move(checks).value();
  if (pages.sms_callbacks.empty()) {
    spdlog::info("http: SMS gateway callbacks refused (no sms notifier sets callback_signature)");
  }
  answer_pages_ = std::make_unique<dispatch::AnswerPages>(*dispatcher_, std::move(pages));
  answer_pages_->Install(*http_);
  http::InstallHealthEndpoints(*http_, metrics::DefaultRegistry(), [this] {
    http::Readiness r;
    r.ready = true;
    if (!dispatcher_ || !dispatcher_->running()) {
      r.ready = false;
      r.reasons.push_back("dispatcher: not running");
    }
    if (!serving_) {
      r.ready = false;
      r.reasons.push_back("grpc: not serving yet");
    }
    return r;
  });
  spdlog::info("musterd serving HTTP on port {} (answer links, /metrics, /healthz, /readyz)",
               http_->port());
  return {};
}

Status Daemon::Serve(const DaemonConfig& options) {
  roster_service_ = std::make_unique<api::RosterServiceImpl>(*roster_);
  activation_service_ =
      std::make_unique<api::ActivationServiceImpl>(*activations_, dispatcher_.get());
  admin_service_ = std::make_unique<api::AdminServiceImpl>(options.db_path);
  roster_service_->SetScopeResolver(security_->scope_resolver());
  activation_service_->SetScopeResolver(security_->scope_resolver());
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, security_->credentials(), &grpc_port_);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(api::MakeMetricsInterceptorFactory(metrics::DefaultRegistry()));
  security_->Configure(builder, interceptors);
  if (!interceptors.empty()) builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(roster_service_.get());
  builder.RegisterService(activation_service_.get());
  builder.RegisterService(admin_service_.get());
  // Every received message, unary request or import chunk (see daemon.h).
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  server_ = builder.BuildAndStart();
  if (!server_ || grpc_port_ == 0) {
    return Status::Unavailable(
        fmt::format("cannot listen on {} (address in use or not local?)", options.listen));
  }
  serving_ = true;
  trimmer_ = std::make_unique<MemoryTrimmer>(std::chrono::seconds(30));
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  spdlog::info("musterd serving gRPC on {}:{} (database {})", host, grpc_port_, options.db_path);
  return {};
}

// The JSON API calls the gRPC server through its in-process channel, so it
// goes on once that server is up.
Status Daemon::ServeConsole(const DaemonConfig& config) {
  if (!http_ || !config.console_enabled) return {};
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  gateway_ = std::make_unique<JsonGateway>(server_->InProcessChannel(args), *security_,
                                           config.console_max_event_streams);
  sessions_ = std::make_unique<ConsoleSessions>(
      SystemClock::Instance(), std::chrono::seconds(config.console_session_idle_timeout_s));
  ConsoleOptions options;
  options.secure_cookies = PublicUrl(config, http_port()).starts_with("https://");
  options.refuse_without_tokens =
      config.tokens.empty() && !http::IsLoopbackListen(config.http_listen);
  options.leaflet_dir = config.console_leaflet_dir;
  if (options.refuse_without_tokens) {
    spdlog::warn(
        "console: the HTTP endpoint is not on loopback and no [[auth.tokens]] are "
        "configured, so the JSON API and sign-in refuse every request");
  }
  console_ = std::make_unique<Console>(*gateway_, *security_, *sessions_, options);
  console_->Install(*http_);
  spdlog::info("console: JSON API, sign-in and pages on HTTP port {} (/console/)", http_->port());
  return {};
}

void Daemon::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(shutdown_once_, [&] {
    if (!server_) return;
    spdlog::info("shutting down: finishing in-flight requests (up to {} ms)", grace.count());
    serving_ = false;
    // Open event streams end first: they would otherwise hold the gRPC
    // shutdown for its whole grace period.
    if (gateway_) gateway_->Shutdown();
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
  // The HTTP endpoint stops before the gRPC server goes: its JSON API
  // calls that server's in-process channel.
  if (http_) http_->Stop();
  console_.reset();
  gateway_.reset();
  sessions_.reset();
  server_.reset();
  trimmer_.reset();
  admin_service_.reset();
  activation_service_.reset();
  roster_service_.reset();
  if (http_) http_->Stop();
  if (dispatcher_) dispatcher_->Stop();  // what is unsent stays in the outbox
  answer_pages_.reset();
  dispatcher_.reset();
  activations_.reset();
  activation_store_.reset();
  if (store_) store_->SetChangeListener(nullptr);
  roster_.reset();
  store_.reset();  // closes the database cleanly
  index_.reset();
  http_.reset();
  security_.reset();
}

}  // namespace muster

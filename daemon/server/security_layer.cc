#include "server/security_layer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api/audit_service.h"
#include "api/auth_guard.h"
#include "auth/tokens.h"
#include "metrics/metrics.h"
#include "server/daemon.h"

namespace muster {
namespace {

Result<std::string> ReadPemFile(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(key,
                                   fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return Status::InvalidArgument(key, fmt::format("'{}' is not a PEM file", path));
  }
  return text.str();
}

class GuardedLayer : public SecurityLayer {
 public:
  GuardedLayer(const DaemonConfig& config, std::unique_ptr<AuditLog> audit,
               const api::TransportOptions& transport)
      : tokens_(config.tokens),
        audit_(std::move(audit)),
        guard_(tokens_, audit_.get(), &metrics::DefaultRegistry()),
        credentials_(guard_.MakeCredentials(transport)),
        audit_service_(*audit_) {
    // The chain head, published off the host (scraped metrics) so that rows
    // cut off the end are visible even to someone who rewrote the checkpoint
    // file as well (see docs/security.md).
    head_gauge_ = metrics::DefaultRegistry().AddCallbackGauge(
        "muster_audit_head_id", "Id of the last audit log row (the chain head).", {},
        [log = audit_.get()] { return static_cast<double>(log->head().id); });
    AuditHead head = audit_->head();
    spdlog::info("audit log head: row {} hash {}", head.id, head.hash);
  }

  std::shared_ptr<grpc::ServerCredentials> credentials() const override { return credentials_; }

  void Configure(
      grpc::ServerBuilder& builder,
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>&
          interceptors) override {
    interceptors.push_back(guard_.MakeInterceptorFactory());
    builder.RegisterService(&audit_service_);
  }

  grpc::Status AdmitInProcess(std::string_view method, std::string_view authorization,
                              const std::string& request_id) override {
    return guard_.Admit(method, authorization, authorization.empty() ? 0 : 1, "", request_id);
  }
  std::optional<auth::Principal> Authenticate(std::string_view token) const override {
    if (!tokens_.enabled()) return auth::Principal{"local", auth::Role::kAdmin, {}, false};
    return tokens_.Authenticate(token);
  }
  bool tokens_enabled() const override { return tokens_.enabled(); }
  void RecordConsoleRefusal(const std::string& actor, std::string_view action,
                            std::string_view code, std::string_view message,
                            const std::string& request_id) override {
    auth::Decision d;
    d.actor = actor;
    d.status = code == "UNAUTHENTICATED" ? Status::Unauthenticated(std::string(message))
                                         : Status::PermissionDenied(std::string(message));
    guard_.RecordRefusal(d, action, code, request_id);
  }
  void RecordConsoleAction(const std::string& actor, std::string_view action,
                           const std::string& request_id) override {
    guard_.Record(actor, action, "", "OK", request_id);
  }

  AuditLog& audit_log() override { return *audit_; }
  api::ScopeResolver scope_resolver() const override {
    return [this](const grpc::ServerContextBase& ctx) { return guard_.ScopeOf(ctx); };
  }

 private:
  auth::TokenAuthenticator tokens_;
  std::unique_ptr<AuditLog> audit_;
  api::AuthGuard guard_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  api::AuditServiceImpl audit_service_;
  metrics::CallbackRegistration head_gauge_;
};

}  // namespace

Result<std::unique_ptr<SecurityLayer>> SecurityLayer::Create(const DaemonConfig& config) {
  bool tls = !config.tls_cert.empty() || !config.tls_key.empty();
  if (tls && config.tls_cert.empty()) {
    return Status::InvalidArgument("tls.cert", "tls.key is set but tls.cert is not");
  }
  if (tls && config.tls_key.empty()) {
    return Status::InvalidArgument("tls.key", "tls.cert is set but tls.key is not");
  }
  if (!tls && !config.tls_client_ca.empty()) {
    return Status::InvalidArgument("tls.client_ca",
                                   "mutual TLS needs tls.cert and tls.key as well");
  }
  api::TransportOptions transport;
  if (tls) {
    auto cert = ReadPemFile("tls.cert", config.tls_cert);
    if (!cert.ok()) return cert.status();
    auto key = ReadPemFile("tls.key", config.tls_key);
    if (!key.ok()) return key.status();
    transport.cert_chain = std::move(cert).value();
    transport.private_key = std::move(key).value();
    if (!config.tls_client_ca.empty()) {
      auto ca = ReadPemFile("tls.client_ca", config.tls_client_ca);
      if (!ca.ok()) return ca.status();
      transport.client_ca = std::move(ca).value();
    }
  }
  if (!config.allow_remote_plaintext && !IsLoopbackAddress(config.listen)) {
    if (!tls) {
      return Status::InvalidArgument(
          "listen", fmt::format("'{}' is not a loopback address; plaintext gRPC is only served on "
                                "loopback unless --allow-remote-plaintext is given (or configure "
                                "[tls] and [[auth.tokens]])",
                                config.listen));
    }
    if (config.tokens.empty()) {
      return Status::InvalidArgument(
          "listen", fmt::format("'{}' is not a loopback address and no tokens are configured: "
                                "configure [[auth.tokens]] (see docs/security.md)",
                                config.listen));
    }
  }
  auto audit = AuditLog::Open(config.db_path);
  if (!audit.ok()) return audit.status();
  spdlog::info("gRPC security: {}; bearer tokens: {}; audit log on",
               !tls ? "plaintext"
                    : (transport.client_ca.empty() ? "TLS" : "mutual TLS (client certificates)"),
               config.tokens.empty() ? std::string("off (every caller is 'local' admin)")
                                     : std::to_string(config.tokens.size()));
  return std::unique_ptr<SecurityLayer>(
      new GuardedLayer(config, std::move(audit).value(), transport));
}

}  // namespace muster

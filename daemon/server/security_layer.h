// SecurityLayer: how musterd's gRPC server is secured — transport
// credentials (plaintext on loopback, TLS, mutual TLS), bearer-token
// authentication with roles, and the audit trail of write RPCs. Daemon
// creates one at start-up and lets it configure the server builder.
// docs/security.md describes the behaviour for operators.
#pragma once

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/caller_scope.h"
#include "audit/audit_log.h"
#include "auth/tokens.h"
#include "config/config.h"
#include "core/status.h"

namespace muster {

class SecurityLayer {
 public:
  // Checks the config and prepares credentials and the audit log (which
  // lives in config.db_path; migrations are applied if needed):
  // - tls.cert/tls.key/tls.client_ca must be readable PEM files
  //   (InvalidArgument naming the key and the path);
  // - a non-loopback listen address needs [[auth.tokens]] and TLS, unless
  //   allow_remote_plaintext is set.
  static Result<std::unique_ptr<SecurityLayer>> Create(const DaemonConfig& config);
  virtual ~SecurityLayer() = default;

  // The credentials for the gRPC listening port. Every call on them is
  // checked (token and role) before any handler runs.
  virtual std::shared_ptr<grpc::ServerCredentials> credentials() const = 0;
  // Adds this layer's interceptor (request ids, audit records) to
  // `interceptors` and registers AuditService on the builder. The layer
  // must outlive the server.
  virtual void Configure(
      grpc::ServerBuilder& builder,
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>&
          interceptors) = 0;

  // The audit log, for other components' records (e.g. activation state
  // changes). Thread-safe; lives as long as the layer.
  virtual AuditLog& audit_log() = 0;

  // Admits a call made on the server's in-process channel (the HTTP JSON
  // gateway): the same token, role and audit-first checks as the listening
  // port's credentials apply to every call there, which the in-process
  // channel does not pass through. Refusals are audited as on the port.
  virtual grpc::Status AdmitInProcess(std::string_view method, std::string_view authorization,
                                      const std::string& request_id) = 0;

  // Console sign-in: the principal a bearer token names (nullopt for an
  // unknown one); with token checks off, every token is the "local" admin.
  virtual std::optional<auth::Principal> Authenticate(std::string_view token) const = 0;
  virtual bool tokens_enabled() const = 0;
  // Records a refused console request (sign-in, session, CSRF) like a
  // refused gRPC call: counted, logged and audited within the same budget.
  // action: a fixed name such as "console/login".
  virtual void RecordConsoleRefusal(const std::string& actor, std::string_view action,
                                    std::string_view code, std::string_view message,
                                    const std::string& request_id) = 0;
  // Appends an audit row for a console action that succeeded (sign-in,
  // sign-out).
  virtual void RecordConsoleAction(const std::string& actor, std::string_view action,
                                   const std::string& request_id) = 0;

  // The area scope of an accepted call's caller (from its bearer token).
  // Thread-safe; valid as long as the layer.
  virtual api::ScopeResolver scope_resolver() const = 0;
};

}  // namespace muster

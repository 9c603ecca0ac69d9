// SecurityLayer: how musterd's gRPC server is secured — transport
// credentials (plaintext on loopback, TLS, mutual TLS), bearer-token
// authentication with roles, and the audit trail of write RPCs. Daemon
// creates one at start-up and lets it configure the server builder.
#pragma once

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <vector>

#include "config/config.h"
#include "core/status.h"

namespace muster {

class SecurityLayer {
 public:
  // Checks the config (TLS files readable, plaintext only on loopback unless
  // allowed) and prepares credentials. Errors name the config key.
  static Result<std::unique_ptr<SecurityLayer>> Create(const DaemonConfig& config);
  virtual ~SecurityLayer() = default;

  // The credentials for the gRPC listening port.
  virtual std::shared_ptr<grpc::ServerCredentials> credentials() const = 0;
  // Adds this layer's interceptors (authentication, authorisation, audit)
  // to `interceptors` and registers its own services on the builder. The
  // layer must outlive the server.
  virtual void Configure(
      grpc::ServerBuilder& builder,
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>&
          interceptors) = 0;
};

}  // namespace muster

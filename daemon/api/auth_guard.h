// AuthGuard: enforces bearer tokens and roles on every gRPC call and records
// audited calls, for both plaintext and TLS listeners.
//
// Mechanism (gRPC 1.51): experimental server interceptors cannot fail a call
// with a chosen status, and the C++ AuthMetadataProcessor cannot be set on
// InsecureServerCredentials. The C core, however, runs a credentials'
// auth metadata processor for insecure credentials too, and lets it fail the
// call with any status before any handler runs. So AuthGuard builds the
// server credentials itself (insecure or TLS, from the C API), attaches its
// processor, and adds an interceptor that only observes: it tags the call
// with an x-request-id and appends the audit record once the status is
// known. Calls refused by the processor are audited by the processor.
#pragma once

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "auth/tokens.h"
#include "roster/area_scope.h"

namespace grpc {
class ServerContext;
class ServerContextBase;
}  // namespace grpc

namespace muster::api {

// Metadata key of the request id (incoming and in the trailing metadata).
inline constexpr char kRequestIdHeader[] = "x-request-id";

struct TransportOptions {
  // PEM text; empty cert = plaintext.
  std::string cert_chain;
  std::string private_key;
  std::string client_ca;  // non-empty = mutual TLS: client certificates required and verified
};

class AuthGuard {
 public:
  // audit may be null (no audit trail). Both must outlive the server.
  AuthGuard(const auth::TokenAuthenticator& tokens, AuditLog* audit)
      : tokens_(tokens), audit_(audit) {}

  // Credentials for the listening port, with this guard's processor attached.
  std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const TransportOptions& transport);

  // The interceptor that assigns request ids and audits accepted calls.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeInterceptorFactory();

  // Decides one call: exposed for the processor and for tests.
  // cert_cn: the client certificate's CN ("" without one).
  auth::Decision Decide(std::string_view method, std::string_view authorization,
                        std::string_view cert_cn) const;

  // The area scope of the caller of an accepted call, from its bearer token:
  // every area with token checks off or an unscoped token.
  AreaScope ScopeOf(const grpc::ServerContext& ctx) const;

  // Appends one audit record; failures are logged, never fatal to the call.
  void Record(std::string actor, std::string_view method, std::string target,
              std::string_view outcome, std::string request_id);

 private:
  const auth::TokenAuthenticator& tokens_;
  AuditLog* audit_;
};

// "RosterService/UpsertReservist" from "/muster.v1.RosterService/UpsertReservist".
std::string AuditActionName(std::string_view method);
// The CN of the call's client certificate ("" without one).
std::string ClientCertCn(const grpc::ServerContextBase& ctx);
// A fresh random request id (32 hex digits).
std::string NewRequestId();

}  // namespace muster::api

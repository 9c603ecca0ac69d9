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
//
// One identity per call: a call carrying more than one authorization value
// is refused (UNAUTHENTICATED), so the processor's role check and the
// interceptor read the same single token. The interceptor authenticates it
// once, before the handler runs, and keeps that decision for the call's
// life: ScopeOf (area scope) and the audit actor both come from it.
//
// Audit-first: before an audited write runs, the processor appends a
// "STARTED" row naming the actor and method; if it cannot, the call is
// refused with UNAVAILABLE and nothing changes. The interceptor's row at
// the end adds the outcome and the ids and keys the request named.
//
// Refused calls cost a caller nothing, so they are recorded compactly: each
// is counted in muster_grpc_refused_total{reason}, but only the first
// kRefusedRowsPerMinute a minute per actor ("anonymous", "unknown-token", a
// token name) are logged and written to the audit log (bounded, sanitised
// text); the next row written for that actor says how many were left out
// ("suppressed=N").
#pragma once

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <string_view>

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "audit/audit_log.h"
#include "auth/tokens.h"
#include "metrics/metrics.h"
#include "roster/area_scope.h"

namespace grpc {
class ServerContext;
class ServerContextBase;
}  // namespace grpc

namespace muster::api {

// Metadata key of the request id (incoming and in the trailing metadata).
inline constexpr char kRequestIdHeader[] = "x-request-id";
// Trailing metadata a handler sets to say how many personal-data rows it
// returned ("42"); the interceptor moves it into the audit record as
// "rows=42" and removes it before the trailers are sent.
inline constexpr char kAuditRowsTrailer[] = "x-muster-audit-rows";
// Refused calls written to the audit log and the log per minute and actor
// (the rest are only counted).
inline constexpr int kRefusedRowsPerMinute = 10;

struct TransportOptions {
  // PEM text; empty cert = plaintext.
  std::string cert_chain;
  std::string private_key;
  std::string client_ca;  // non-empty = mutual TLS: client certificates required and verified
};

// Thread-safe: the processor and interceptors call it from gRPC's threads.
class AuthGuard {
 public:
  // audit may be null (no audit trail); metrics null = the default
  // registry. All must outlive the server.
  AuthGuard(const auth::TokenAuthenticator& tokens, AuditSink* audit,
            metrics::Registry* metrics = nullptr);

  // Credentials for the listening port, with this guard's processor attached.
  std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const TransportOptions& transport);

  // The interceptor that assigns request ids and audits accepted calls.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeInterceptorFactory();

  // Decides one call: exposed for the processor and for tests.
  // cert_cn: the client certificate's CN ("" without one).
  auth::Decision Decide(std::string_view method, std::string_view authorization,
                        std::string_view cert_cn) const;

  // The area scope of the caller of an accepted call, from the decision the
  // interceptor made for this call: every area with token checks off or an
  // unscoped token; nothing for a call the interceptor did not see.
  AreaScope ScopeOf(const grpc::ServerContextBase& ctx) const;

  // Appends one audit record. False (logged and counted in
  // muster_audit_append_failures_total) when it could not be written.
  bool Record(std::string actor, std::string_view method, std::string target,
              std::string_view outcome, std::string request_id);

  // Admits one call or refuses it, before any handler runs: the token and
  // role check (a refusal is counted, logged and audited by RecordRefusal)
  // and, for an audited write, the audit-first "STARTED" row (UNAVAILABLE
  // when it cannot be written). The credentials' processor calls it for
  // every call on the listening port; calls that do not pass through the
  // port (the in-process channel of the HTTP JSON gateway) must call it
  // themselves. authorizations: how many authorization values the call
  // carries (more than one is refused).
  grpc::Status Admit(std::string_view method, std::string_view authorization, int authorizations,
                     std::string_view cert_cn, const std::string& request_id);

  // Called by the processor for a refused call: counts it and, within the
  // per-minute budget, logs it and writes a compact audit row.
  void RecordRefusal(const auth::Decision& d, std::string_view method, std::string_view code,
                     const std::string& request_id);

  // The interceptor's per-call decision, kept from before the handler runs
  // until the call ends.
  void Remember(const grpc::ServerContextBase* ctx, const auth::Decision& d);
  void Forget(const grpc::ServerContextBase* ctx);

 private:
  const auth::TokenAuthenticator& tokens_;
  AuditSink* audit_;
  metrics::Registry& metrics_;
  mutable std::mutex mu_;
  std::unordered_map<const grpc::ServerContextBase*, auth::Decision> calls_;
  struct RefusalWindow {
    std::chrono::steady_clock::time_point start{};
    int rows = 0;            // written in the minute from start
    int64_t suppressed = 0;  // not written since the last row
  };
  std::unordered_map<std::string, RefusalWindow> refusals_;  // by actor
};

// The metadata key of the bearer token; a call may carry it once.
inline constexpr char kAuthorizationHeader[] = "authorization";

// The audit actions of the console's own HTTP requests (docs/console.md):
// sign-in, a request on a missing or expired session, a missing or wrong
// CSRF token, sign-out.
inline constexpr std::string_view kConsoleLogin = "Console/Login";
inline constexpr std::string_view kConsoleSession = "Console/Session";
inline constexpr std::string_view kConsoleCsrf = "Console/Csrf";
inline constexpr std::string_view kConsoleLogout = "Console/Logout";
bool IsConsoleAction(std::string_view action);

// "RosterService/UpsertReservist" from "/muster.v1.RosterService/UpsertReservist".
std::string AuditActionName(std::string_view method);
// The CN of the call's client certificate ("" without one).
std::string ClientCertCn(const grpc::ServerContextBase& ctx);
// A fresh random request id (32 hex digits).
std::string NewRequestId();

}  // namespace muster::api

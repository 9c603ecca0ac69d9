#include "api/auth_guard.h"

#include "api/metrics_interceptor.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpcpp/server_context.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "api/status_map.h"
#include "auth/roles.h"
#include "server/logging.h"

namespace muster::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string_view SliceView(const grpc_slice& slice) {
  return {reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)), GRPC_SLICE_LENGTH(slice)};
}

std::string FirstProperty(const grpc_auth_context* ctx, const char* name) {
  if (ctx == nullptr) return "";
  grpc_auth_property_iterator it = grpc_auth_context_find_properties_by_name(ctx, name);
  const grpc_auth_property* p = grpc_auth_property_iterator_next(&it);
  return p ? std::string(p->value, p->value_length) : "";
}

// A request id from the caller is kept if it is short printable ASCII, so it
// can neither bloat nor corrupt the audit log.
bool AcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// Server credentials built from the C API, so that an auth metadata
// processor can be attached to insecure credentials too (the C++
// InsecureServerCredentials refuses one).
class CoreCredentials final : public grpc::ServerCredentials {
 public:
  explicit CoreCredentials(grpc_server_credentials* creds) : creds_(creds) {}
  ~CoreCredentials() override { grpc_server_credentials_release(creds_); }
  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {
    // The processor is attached at creation; a second one is not supported.
  }

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    return grpc_server_add_http2_port(server, addr.c_str(), creds_);
  }
  grpc_server_credentials* creds_;
};

constexpr char kTooManyTokens[] =
    "more than one authorization value: send exactly one 'Bearer <token>'";

// The C processor: decides the call from its metadata before any handler.
void ProcessAuthMetadata(void* state, grpc_auth_context* context, const grpc_metadata* md,
                         size_t num_md, grpc_process_auth_metadata_done_cb cb, void* user_data) {
  auto* guard = static_cast<AuthGuard*>(state);
  std::string method, authorization, request_id;
  int authorizations = 0;
  for (size_t i = 0; i < num_md; ++i) {
    std::string_view key = SliceView(md[i].key);
    if (key == ":path") {
      method = SliceView(md[i].value);
    } else if (key == kAuthorizationHeader) {
      authorization = SliceView(md[i].value);
      ++authorizations;
    } else if (key == kRequestIdHeader) {
      request_id = SliceView(md[i].value);
    }
  }
  if (!AcceptableRequestId(request_id)) request_id = NewRequestId();
  std::string cn = FirstProperty(context, GRPC_X509_CN_PROPERTY_NAME);
  grpc::Status admitted = guard->Admit(method, authorization, authorizations, cn, request_id);
  if (!admitted.ok()) {
    cb(user_data, nullptr, 0, nullptr, 0, static_cast<grpc_status_code>(admitted.error_code()),
       admitted.error_message().c_str());
    return;
  }
  // Nothing is added to `context`: it is the connection's, shared by every
  // call on it, so per-call identity cannot live there (it would leak into
  // later calls and grow without bound). The interceptor decides the call
  // again from the same metadata, once, and keeps that per call.
  cb(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_OK, nullptr);
}

bool IsKeyField(const std::string& name) {
  return name == "id" || name == "code" || name.ends_with("_id") || name == "idempotency_key";
}

// "field=value" for the ids and keys in a request (one level of nesting);
// names, reasons, contact channels and answer tokens are never included.
void CollectTargets(const google::protobuf::Message& msg, const std::string& prefix, int depth,
                    std::vector<std::string>& out) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) continue;
    std::string name = prefix + f->name();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 2) CollectTargets(r->GetMessage(msg, f), name + ".", depth + 1, out);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (IsKeyField(f->name())) out.push_back(fmt::format("{}={}", name, r->GetInt64(msg, f)));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        if (IsKeyField(f->name())) out.push_back(fmt::format("{}={}", name, r->GetInt32(msg, f)));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        if (IsKeyField(f->name())) {
          std::string value = r->GetString(msg, f).substr(0, 128);
          out.push_back(fmt::format("{}={}", name, value));
        }
        break;
      default:
        break;
    }
  }
}

class AuditInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(grpc::experimental::ServerRpcInfo* info, AuthGuard* guard)
      : info_(info), guard_(guard), rule_(auth::RuleFor(info->method())) {}
  ~AuditInterceptor() override {
    if (remembered_) guard_->Forget(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ReadIdentity(methods);
    }
    // The sync server runs a call's handler on the thread that runs these
    // hooks, and reads a stream's messages there too: log lines written
    // while the call is served carry its request id.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA) ||
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      logging::SetCurrentRequestId(request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        rule_.audited && messages_++ == 0 && IsMusterMethod()) {
      // Sync handlers of muster's services receive generated protobuf
      // messages (single inheritance from Message, so the cast is exact).
      const void* raw = methods->GetRecvMessage();
      if (raw != nullptr) {
        std::vector<std::string> targets;
        CollectTargets(*static_cast<const google::protobuf::Message*>(raw), "", 0, targets);
        target_ = fmt::format("{}", fmt::join(targets, " "));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // In the trailers as well: a failed call may send no initial
      // metadata, and clients can read one place.
      auto* trailers = methods->GetSendTrailingMetadata();
      std::string rows;
      if (auto it = trailers->find(kAuditRowsTrailer); it != trailers->end()) {
        rows = "rows=" + logging::Printable(it->second, 20);
        trailers->erase(it);
      }
      trailers->emplace(kRequestIdHeader, request_id_);
      if (rule_.audited && IsMusterMethod()) {
        grpc::Status status = methods->GetSendStatus();
        std::string target = target_;
        if (!rows.empty()) target += (target.empty() ? "" : " ") + rows;
        // Ids and keys only (target), never personal data.
        spdlog::info("{} by {}: {}{}{}", logging::Printable(AuditActionName(info_->method()), 128),
                     logging::Printable(actor_, 64), CodeName(status.error_code()),
                     target.empty() ? "" : " ", logging::Printable(target, 600));
        // The change is made by now: a failure here is logged and counted
        // (Record), the call's status stays what the handler said.
        guard_->Record(actor_, info_->method(), std::move(target), CodeName(status.error_code()),
                       request_id_);
      }
      logging::SetCurrentRequestId("");
    }
    methods->Proceed();
  }

 private:
  bool IsMusterMethod() const { return std::string_view(info_->method()).starts_with("/muster."); }

  // Authenticates the call once: the decision names the audit actor and is
  // what ScopeOf answers from while the call lasts.
  void ReadIdentity(grpc::experimental::InterceptorBatchMethods* methods) {
    std::string authorization;
    size_t authorizations = 0;
    if (auto* md = methods->GetRecvInitialMetadata(); md != nullptr) {
      if (auto it = md->find(kRequestIdHeader); it != md->end()) {
        std::string_view id(it->second.data(), it->second.size());
        if (AcceptableRequestId(id)) request_id_ = std::string(id);
      }
      auto [first, last] = md->equal_range(kAuthorizationHeader);
      for (auto it = first; it != last; ++it, ++authorizations) {
        authorization.assign(it->second.data(), it->second.size());
      }
    }
    if (request_id_.empty()) request_id_ = NewRequestId();
    auth::Decision d =
        guard_->Decide(info_->method(), authorization, ClientCertCn(*info_->server_context()));
    if (authorizations > 1) {
      // The processor refuses these; should one get here, it is nobody.
      d.actor = "anonymous";
      d.status = Status::Unauthenticated(kTooManyTokens);
    }
    actor_ = d.actor.empty() ? "unknown" : d.actor;
    guard_->Remember(info_->server_context(), d);
    remembered_ = true;
  }

  static std::string CodeName(grpc::StatusCode code) {
    return GrpcCodeName(static_cast<int>(code));
  }

  grpc::experimental::ServerRpcInfo* info_;
  AuthGuard* guard_;
  auth::MethodRule rule_;
  int messages_ = 0;
  bool remembered_ = false;
  std::string actor_, request_id_, target_;
};

class AuditInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuditInterceptorFactory(AuthGuard* guard) : guard_(guard) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new AuditInterceptor(info, guard_);
  }

 private:
  AuthGuard* guard_;
};

}  // namespace

bool IsConsoleAction(std::string_view action) {
  return action == kConsoleLogin || action == kConsoleSession || action == kConsoleCsrf ||
         action == kConsoleLogout;
}

std::string AuditActionName(std::string_view method) {
  if (method.starts_with('/')) method.remove_prefix(1);
  if (method.starts_with("muster.v1.")) method.remove_prefix(10);
  return std::string(method);
}

std::string NewRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "no-random";
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

std::string ClientCertCn(const grpc::ServerContextBase& ctx) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (!auth) return "";
  for (const auto& v : auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
    return std::string(v.data(), v.size());
  }
  return "";
}

std::shared_ptr<grpc::ServerCredentials> AuthGuard::MakeCredentials(
    const TransportOptions& transport) {
  grpc_server_credentials* creds = nullptr;
  if (transport.cert_chain.empty()) {
    creds = grpc_insecure_server_credentials_create();
  } else {
    grpc_ssl_pem_key_cert_pair pair{transport.private_key.c_str(), transport.cert_chain.c_str()};
    bool mutual = !transport.client_ca.empty();
    creds = grpc_ssl_server_credentials_create_ex(
        mutual ? transport.client_ca.c_str() : nullptr, &pair, 1,
        mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
        nullptr);
  }
  grpc_auth_metadata_processor processor{ProcessAuthMetadata, nullptr, this};
  grpc_server_credentials_set_auth_metadata_processor(creds, processor);
  return std::make_shared<CoreCredentials>(creds);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
AuthGuard::MakeInterceptorFactory() {
  return std::make_unique<AuditInterceptorFactory>(this);
}

AuthGuard::AuthGuard(const auth::TokenAuthenticator& tokens, AuditSink* audit,
                     metrics::Registry* metrics)
    : tokens_(tokens),
      audit_(audit),
      metrics_(metrics != nullptr ? *metrics : metrics::DefaultRegistry()) {}

auth::Decision AuthGuard::Decide(std::string_view method, std::string_view authorization,
                                 std::string_view cert_cn) const {
  auth::Decision d = tokens_.Check(method, authorization);
  // With mutual TLS and no tokens, the certificate names the actor; with
  // tokens, the token decides both name and role.
  if (!tokens_.enabled() && !cert_cn.empty()) d.actor = std::string(cert_cn);
  return d;
}

AreaScope AuthGuard::ScopeOf(const grpc::ServerContextBase& ctx) const {
  if (!tokens_.enabled()) return AreaScope::All();
  std::lock_guard lock(mu_);
  auto it = calls_.find(&ctx);
  // The processor refuses calls without a known token before any handler
  // runs; a call without a decision, or with a refused one, sees nothing.
  if (it == calls_.end() || !it->second.status.ok()) return AreaScope::Nothing();
  const auth::Decision& d = it->second;
  if (d.areas.empty()) return AreaScope::All();
  return AreaScope::Only(d.areas, d.mutual_aid);
}

void AuthGuard::Remember(const grpc::ServerContextBase* ctx, const auth::Decision& d) {
  std::lock_guard lock(mu_);
  calls_[ctx] = d;
}

void AuthGuard::Forget(const grpc::ServerContextBase* ctx) {
  std::lock_guard lock(mu_);
  calls_.erase(ctx);
}

bool AuthGuard::Record(std::string actor, std::string_view method, std::string target,
                       std::string_view outcome, std::string request_id) {
  if (audit_ == nullptr) return true;
  AuditEntry e;
  // Method names and certificate CNs can be a caller's text: escaped and
  // cut short, as in the log.
  e.actor = logging::Printable(actor, 128);
  e.action = logging::Printable(AuditActionName(method), 128);
  e.target = std::move(target);
  e.outcome = std::string(outcome);
  e.request_id = std::move(request_id);
  auto appended = audit_->Append(std::move(e));
  if (!appended.ok()) {
    metrics_
        .GetCounter("muster_audit_append_failures_total",
                    "Audit records that could not be written (an audited write is then refused).")
        .Inc();
    spdlog::error("audit log append failed for {}: {}", logging::Printable(method, 120),
                  logging::Printable(appended.status().ToString(), 300));
    return false;
  }
  return true;
}

grpc::Status AuthGuard::Admit(std::string_view method, std::string_view authorization,
                              int authorizations, std::string_view cert_cn,
                              const std::string& request_id) {
  auth::Decision d = Decide(method, authorization, cert_cn);
  if (authorizations > 1) {
    // Two tokens would let one check read one and another check the other.
    d.actor = "anonymous";
    d.status = Status::Unauthenticated(kTooManyTokens);
  }
  if (!d.status.ok()) {
    grpc::StatusCode code = ToGrpcCode(d.status.code());
    RecordRefusal(
        d, method,
        code == grpc::StatusCode::UNAUTHENTICATED ? "UNAUTHENTICATED" : "PERMISSION_DENIED",
        request_id);
    return grpc::Status(code, BoundedStatusMessage(d.status.message()));
  }
  // Audit-first: an audited write runs only once its actor is on record.
  // (muster's own methods: the health check and reflection are not audited).
  if (d.rule.audited && !d.rule.personal_read && method.starts_with("/muster.") &&
      !Record(d.actor, method, "", "STARTED", request_id)) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the audit log cannot be written, so this change is refused (nothing was "
                        "changed); see the daemon log");
  }
  return grpc::Status::OK;
}

void AuthGuard::RecordRefusal(const auth::Decision& d, std::string_view method,
                              std::string_view code, const std::string& request_id) {
  std::string reason = code == "UNAUTHENTICATED" ? "unauthenticated" : "permission_denied";
  metrics_
      .GetCounter("muster_grpc_refused_total",
                  "gRPC calls refused before any handler ran (no, unknown or several tokens; "
                  "role too low).",
                  {{"reason", reason}})
      .Inc();
  int64_t suppressed = 0;
  {
    std::lock_guard lock(mu_);
    // One budget per actor: a flood without a token ("anonymous",
    // "unknown-token") cannot crowd out the record of a real token's
    // refusals. Actors are token names, certificate CNs and those two, so
    // the map stays small; it is cleared should it grow all the same.
    if (refusals_.size() > 1000) refusals_.clear();
    RefusalWindow& w = refusals_[d.actor];
    auto now = std::chrono::steady_clock::now();
    if (w.rows == 0 || now - w.start >= std::chrono::minutes(1)) {
      w.start = now;
      w.rows = 0;
    }
    if (w.rows >= kRefusedRowsPerMinute) {
      ++w.suppressed;
      return;
    }
    ++w.rows;
    suppressed = std::exchange(w.suppressed, 0);
  }
  // Unknown method names are the caller's text: cut short and escaped. A
  // listed method's name is ours.
  bool known = auth::IsPublicMethod(method) || IsConsoleAction(method) ||
               std::ranges::any_of(auth::MethodRules(),
                                   [&](const auth::MethodRule& r) { return r.method == method; });
  std::string action =
      known ? std::string(method) : "/unknown-method:" + logging::Printable(method, 64);
  std::string actor = logging::Printable(d.actor, 64);
  std::string target = suppressed > 0 ? fmt::format("suppressed={}", suppressed) : "";
  spdlog::warn(
      "refused {} from {}: {} (request {}){}", action, actor,
      logging::Printable(d.status.message(), 200), request_id,
      suppressed > 0 ? fmt::format("; {} refused calls before it not logged", suppressed) : "");
  Record(std::move(actor), action, std::move(target), code, request_id);
}

}  // namespace muster::api

// ActivationServiceImpl: the gRPC adapter for muster.v1.ActivationService.
// Thread-safe (gRPC's sync server calls it from its pool). WatchActivation
// uses the callback API: an open watch holds no thread, its writes are
// driven by the dispatcher's event hub.
#pragma once

#include "activation/activation_manager.h"
#include "api/caller_scope.h"
#include "api/watch_slots.h"
#include "dispatch/dispatcher.h"
#include "muster/v1/activation.grpc.pb.h"

namespace muster::api {

class ActivationServiceImpl final
    : public v1::ActivationService::WithCallbackMethod_WatchActivation<
          v1::ActivationService::Service> {
 public:
  // Both must outlive the service. Without a dispatcher (tests of ranking
  // alone) nothing is sent and the dispatch RPCs answer FAILED_PRECONDITION.
  explicit ActivationServiceImpl(ActivationManager& manager,
                                 dispatch::Dispatcher* dispatcher = nullptr)
      : manager_(manager), dispatcher_(dispatcher) {}

  // How callers' area scopes are found (default: every caller sees every
  // area). A scoped caller sees and manages only activations drawing from
  // its areas, or raised by its areas with mutual aid (MayManage in
  // activation/activation.h), and explains only reservists of its areas or
  // asked on the activation; others read as NOT_FOUND. Set before serving.
  void SetScopeResolver(ScopeResolver resolver) { scope_ = std::move(resolver); }

  grpc::Status CreateActivation(grpc::ServerContext* ctx, const v1::CreateActivationRequest* req,
                                v1::CreateActivationResponse* resp) override;
  grpc::Status PreviewActivation(grpc::ServerContext* ctx, const v1::PreviewActivationRequest* req,
                                 v1::PreviewActivationResponse* resp) override;
  grpc::Status GetActivation(grpc::ServerContext* ctx, const v1::GetActivationRequest* req,
                             v1::Activation* resp) override;
  grpc::Status ListActivations(grpc::ServerContext* ctx, const v1::ListActivationsRequest* req,
                               v1::ListActivationsResponse* resp) override;
  grpc::Status CancelActivation(grpc::ServerContext* ctx, const v1::CancelActivationRequest* req,
                                v1::Activation* resp) override;
  grpc::Status Explain(grpc::ServerContext* ctx, const v1::ExplainRequest* req,
                       v1::ExplainResponse* resp) override;
  grpc::Status GetReadiness(grpc::ServerContext* ctx, const v1::GetReadinessRequest* req,
                            v1::GetReadinessResponse* resp) override;
  grpc::Status StandDownActivation(grpc::ServerContext* ctx, const v1::StandDownRequest* req,
                                   v1::Activation* resp) override;
  grpc::Status RecordAnswer(grpc::ServerContext* ctx, const v1::RecordAnswerRequest* req,
                            v1::RecordAnswerResponse* resp) override;
  grpc::ServerWriteReactor<v1::ActivationEvent>* WatchActivation(
      grpc::CallbackServerContext* ctx, const v1::WatchActivationRequest* req) override;
  // Open WatchActivation streams (for tests and metrics).
  size_t open_watches() const { return watch_slots_.open(); }

 private:
  grpc::Status End(int64_t id, const std::string& reason, ActivationState to, v1::Activation* resp);
  AreaScope ScopeOf(grpc::ServerContextBase* ctx) const { return ResolveScope(scope_, ctx); }
  // OK when the caller may see and manage activation id; NOT_FOUND otherwise.
  grpc::Status CheckAccess(grpc::ServerContextBase* ctx, int64_t id) const;
  // The spec with its areas resolved for the caller (see AreaScope).
  Result<ActivationSpec> ScopedSpec(const AreaScope& scope, bool has_spec,
                                    const v1::ActivationSpec& spec) const;

  ActivationManager& manager_;
  dispatch::Dispatcher* dispatcher_;
  ScopeResolver scope_;
  // Open WatchActivation streams: RESOURCE_EXHAUSTED past 8 per caller or
  // 64 in all (each holds a subscription and its buffered events).
  WatchSlots watch_slots_;
};

}  // namespace muster::api

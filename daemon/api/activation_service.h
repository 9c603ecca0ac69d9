// ActivationServiceImpl: the gRPC adapter for muster.v1.ActivationService.
// Thread-safe (gRPC's sync server calls it from its pool).
#pragma once

#include "activation/activation_manager.h"
#include "dispatch/dispatcher.h"
#include "muster/v1/activation.grpc.pb.h"

namespace muster::api {

class ActivationServiceImpl final : public v1::ActivationService::Service {
 public:
  // Both must outlive the service. Without a dispatcher (tests of ranking
  // alone) nothing is sent and the dispatch RPCs answer FAILED_PRECONDITION.
  explicit ActivationServiceImpl(ActivationManager& manager,
                                 dispatch::Dispatcher* dispatcher = nullptr)
      : manager_(manager), dispatcher_(dispatcher) {}

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
  grpc::Status StandDownActivation(grpc::ServerContext* ctx, const v1::StandDownRequest* req,
                                   v1::Activation* resp) override;
  grpc::Status RecordAnswer(grpc::ServerContext* ctx, const v1::RecordAnswerRequest* req,
                            v1::RecordAnswerResponse* resp) override;
  grpc::Status WatchActivation(grpc::ServerContext* ctx, const v1::WatchActivationRequest* req,
                               grpc::ServerWriter<v1::ActivationEvent>* writer) override;

 private:
  grpc::Status End(int64_t id, const std::string& reason, ActivationState to, v1::Activation* resp);

  ActivationManager& manager_;
  dispatch::Dispatcher* dispatcher_;
};

}  // namespace muster::api

// ActivationServiceImpl: the gRPC adapter for muster.v1.ActivationService.
// Thread-safe (gRPC's sync server calls it from its pool).
#pragma once

#include "activation/activation_manager.h"
#include "muster/v1/activation.grpc.pb.h"

namespace muster::api {

class ActivationServiceImpl final : public v1::ActivationService::Service {
 public:
  // manager must outlive the service.
  explicit ActivationServiceImpl(ActivationManager& manager) : manager_(manager) {}

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

 private:
  ActivationManager& manager_;
};

}  // namespace muster::api

// AuditServiceImpl: the gRPC adapter for muster.v1.AuditService (admin role,
// enforced by AuthGuard like every other call). Thread-safe.
#pragma once

#include "audit/audit_log.h"
#include "muster/v1/audit.grpc.pb.h"

namespace muster::api {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  explicit AuditServiceImpl(AuditLog& log) : log_(log) {}

  grpc::Status ListAudit(grpc::ServerContext* ctx, const v1::ListAuditRequest* req,
                         v1::ListAuditResponse* resp) override;
  grpc::Status VerifyAudit(grpc::ServerContext* ctx, const v1::VerifyAuditRequest* req,
                           v1::VerifyAuditResponse* resp) override;

 private:
  AuditLog& log_;
};

}  // namespace muster::api

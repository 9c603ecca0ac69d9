// RosterServiceImpl: the gRPC adapter for muster.v1.RosterService. Converts
// requests to domain types, calls Roster, converts back; maps errors in
// api/status_map.h. Thread-safe (gRPC's sync server calls it from its pool).
#pragma once

#include "api/caller_scope.h"
#include "muster/v1/roster.grpc.pb.h"
#include "roster/roster.h"

namespace muster::api {

class RosterServiceImpl final : public v1::RosterService::Service {
 public:
  // roster must outlive the service.
  explicit RosterServiceImpl(Roster& roster) : roster_(roster) {}

  // How callers' area scopes are found (default: every caller sees every
  // area). Set before serving.
  void SetScopeResolver(ScopeResolver resolver) { scope_ = std::move(resolver); }

  grpc::Status UpsertReservist(grpc::ServerContext* ctx, const v1::UpsertReservistRequest* req,
                               v1::UpsertReservistResponse* resp) override;
  grpc::Status GetReservist(grpc::ServerContext* ctx, const v1::GetReservistRequest* req,
                            v1::Reservist* resp) override;
  grpc::Status ListReservists(grpc::ServerContext* ctx, const v1::ListReservistsRequest* req,
                              v1::ListReservistsResponse* resp) override;
  grpc::Status ExportReservists(grpc::ServerContext* ctx, const v1::ListReservistsRequest* req,
                                grpc::ServerWriter<v1::Reservist>* writer) override;
  grpc::Status SuspendReservist(grpc::ServerContext* ctx, const v1::SetReservistStatusRequest* req,
                                v1::Reservist* resp) override;
  grpc::Status ReactivateReservist(grpc::ServerContext* ctx,
                                   const v1::SetReservistStatusRequest* req,
                                   v1::Reservist* resp) override;
  grpc::Status DeleteReservist(grpc::ServerContext* ctx, const v1::DeleteReservistRequest* req,
                               v1::DeleteReservistResponse* resp) override;
  grpc::Status ListSkills(grpc::ServerContext* ctx, const v1::ListSkillsRequest* req,
                          v1::ListSkillsResponse* resp) override;
  grpc::Status UpsertSkill(grpc::ServerContext* ctx, const v1::UpsertSkillRequest* req,
                           v1::Skill* resp) override;
  grpc::Status ImportReservists(grpc::ServerContext* ctx,
                                grpc::ServerReader<v1::ImportRequest>* reader,
                                v1::ImportSummary* resp) override;

 private:
  grpc::Status SetStatus(grpc::ServerContext* ctx, const v1::SetReservistStatusRequest& req,
                         ReservistStatus status, v1::Reservist* resp);
  AreaScope ScopeOf(grpc::ServerContext* ctx) const { return ResolveScope(scope_, ctx); }

  Roster& roster_;
  ScopeResolver scope_;
};

}  // namespace muster::api

// An in-memory RosterService for musterctl's unit tests, served in-process
// (no sockets). It follows the proto's contract loosely: just enough
// validation to produce each kind of error the client must handle.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "muster/v1/roster.grpc.pb.h"

namespace muster::client::testing {

namespace v1 = ::muster::v1;

// Thread-safe (one mutex around the maps).
class FakeRosterService final : public v1::RosterService::Service {
 public:
  FakeRosterService();

  grpc::Status UpsertReservist(grpc::ServerContext*, const v1::UpsertReservistRequest* request,
                               v1::UpsertReservistResponse* response) override;
  grpc::Status GetReservist(grpc::ServerContext*, const v1::GetReservistRequest* request,
                            v1::Reservist* response) override;
  grpc::Status ListReservists(grpc::ServerContext*, const v1::ListReservistsRequest* request,
                              v1::ListReservistsResponse* response) override;
  grpc::Status ExportReservists(grpc::ServerContext*, const v1::ListReservistsRequest* request,
                                grpc::ServerWriter<v1::Reservist>* writer) override;
  grpc::Status SuspendReservist(grpc::ServerContext*, const v1::SetReservistStatusRequest* request,
                                v1::Reservist* response) override;
  grpc::Status ReactivateReservist(grpc::ServerContext*,
                                   const v1::SetReservistStatusRequest* request,
                                   v1::Reservist* response) override;
  grpc::Status DeleteReservist(grpc::ServerContext*, const v1::DeleteReservistRequest* request,
                               v1::DeleteReservistResponse* response) override;
  grpc::Status ListSkills(grpc::ServerContext*, const v1::ListSkillsRequest* request,
                          v1::ListSkillsResponse* response) override;
  grpc::Status UpsertSkill(grpc::ServerContext*, const v1::UpsertSkillRequest* request,
                           v1::Skill* response) override;
  grpc::Status ImportReservists(grpc::ServerContext* context,
                                grpc::ServerReader<v1::ImportRequest>* reader,
                                v1::ImportSummary* summary) override;

  // Test knobs and observations.
  std::atomic<int> import_calls{0};
  std::atomic<int> chunks_received{0};
  // If true, ImportReservists stops reading and waits until cancelled.
  std::atomic<bool> stall_import{false};
  size_t size();

 private:
  grpc::Status Validate(const v1::Reservist& r);     // requires mu_
  v1::Reservist* Find(const v1::ReservistRef& ref);  // requires mu_
  // Stores r (create or replace by id / external id); requires mu_.
  bool Store(v1::Reservist r, v1::Reservist* stored);
  grpc::Status SetStatus(const v1::ReservistRef& ref, v1::ReservistStatus status,
                         v1::Reservist* response);

  std::mutex mu_;
  std::map<int64_t, v1::Reservist> reservists_;
  std::map<std::string, v1::Skill> skills_;
  int64_t next_id_ = 1;
  int64_t clock_ = 1'760'000'000;
};

// Serves a FakeRosterService in-process.
class FakeServer {
 public:
  FakeServer();
  ~FakeServer();
  FakeRosterService& service() { return service_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

 private:
  FakeRosterService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace muster::client::testing

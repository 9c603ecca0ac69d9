// AdminServiceImpl: the gRPC adapter for muster.v1.AdminService.
// Thread-safe; each backup works on a temporary file of its own.
#pragma once

#include <string>

#include "muster/v1/admin.grpc.pb.h"

namespace muster::api {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // db_path: the daemon's database file.
  explicit AdminServiceImpl(std::string db_path) : db_path_(std::move(db_path)) {}

  grpc::Status Backup(grpc::ServerContext* ctx, const v1::BackupRequest* req,
                      grpc::ServerWriter<v1::BackupChunk>* writer) override;

 private:
  std::string db_path_;
};

}  // namespace muster::api

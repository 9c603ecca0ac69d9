#include "api/admin_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "admin/backup.h"
#include "api/status_map.h"

namespace muster::api {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

// Removes the temporary copy however the RPC ends.
struct TempFile {
  std::string path;
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* ctx, const v1::BackupRequest*,
                                      grpc::ServerWriter<v1::BackupChunk>* writer) {
  static std::atomic<int> counter{0};
  // Beside the database: same file system, and a place musterd may write.
  TempFile tmp{fmt::format("{}.backup-{}-{}", db_path_, getpid(), counter++)};
  auto info = BackupDatabase(db_path_, tmp.path);
  if (!info.ok()) return ToGrpcStatus(info.status());
  std::ifstream in(tmp.path, std::ios::binary);
  v1::BackupChunk chunk;
  std::string buf(kChunkBytes, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() == 0) break;
    chunk.set_data(buf.data(), static_cast<size_t>(in.gcount()));
    if (ctx->IsCancelled() || !writer->Write(chunk)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
    }
  }
  chunk.Clear();
  chunk.set_done(true);
  chunk.set_total_bytes(info->bytes);
  chunk.set_sha256(info->sha256);
  chunk.set_schema_version(info->schema_version);
  writer->Write(chunk);
  spdlog::info("backup sent: {} bytes, schema {}, sha256 {}", info->bytes, info->schema_version,
               info->sha256);
  return grpc::Status::OK;
}

}  // namespace muster::api

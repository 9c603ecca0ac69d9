// musterctl admin backup FILE.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "commands.h"
#include "digest/file_sha256.h"
#include "muster/v1/admin.grpc.pb.h"
#include "private_file.h"

namespace muster::client {
namespace {

// Streams the daemon's backup into FILE.partial, checks size and SHA-256,
// then renames it to FILE: FILE is never a half-written copy.
int RunBackup(CommandEnv& env, const std::string& path) {
  grpc::ClientContext context;
  // A large roster takes a while to copy; allow minutes, not the unary timeout.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  auto stub = v1::AdminService::NewStub(env.connection().channel());
  auto reader = stub->Backup(&context, v1::BackupRequest());
  std::string partial = path + ".partial";
  std::ofstream out;  // 0600: the copy holds the whole roster
  if (!OpenPrivateFile(partial, out)) {
    return env.Fail(kExitFailed, fmt::format("cannot write {}: {}", partial, std::strerror(errno)));
  }
  v1::BackupChunk chunk, last;
  int64_t written = 0;
  while (reader->Read(&chunk)) {
    out.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    written += static_cast<int64_t>(chunk.data().size());
    if (chunk.done()) last = chunk;
  }
  out.close();
  grpc::Status status = reader->Finish();
  if (!status.ok() || !last.done() || !out) {
    std::remove(partial.c_str());
    if (!status.ok()) return env.Fail(status);
    return env.Fail(kExitFailed, "the backup stream ended early");
  }
  auto sha = FileSha256(partial);
  if (written != last.total_bytes() || !sha.ok() || *sha != last.sha256()) {
    std::remove(partial.c_str());
    return env.Fail(kExitFailed, "the backup arrived damaged (size or SHA-256 mismatch)");
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    return env.Fail(kExitFailed, fmt::format("cannot rename {} to {}", partial, path));
  }
  if (env.json()) {
    nlohmann::json j = {{"file", path},
                        {"bytes", written},
                        {"sha256", last.sha256()},
                        {"schema_version", last.schema_version()}};
    env.out() << j.dump() << '\n';
  } else {
    env.out() << fmt::format("backup written to {}: {} bytes, schema version {}, sha256 {}\n", path,
                             written, last.schema_version(), last.sha256());
  }
  return kExitOk;
}

}  // namespace

void RegisterAdminCommands(CLI::App& root, CommandEnv& env) {
  CLI::App* group = root.add_subcommand("admin", "Operations on the daemon's data as a whole");
  auto path = std::make_shared<std::string>();
  CLI::App* backup = group->add_subcommand(
      "backup", "Copy the whole database, consistently, while musterd keeps running");
  backup->add_option("file", *path, "Where to write the copy (a SQLite database file)")->required();
  OnRun(backup, env, [&env, path] { return RunBackup(env, *path); });
}

}  // namespace muster::client

// Online backup of the SQLite database: a consistent snapshot copied with
// SQLite's backup API while other connections keep reading and writing.
// Thread-safe: each call uses connections of its own.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "digest/file_sha256.h"  // FileSha256, which BackupInfo::sha256 holds

namespace muster {

struct BackupInfo {
  int64_t bytes = 0;
  std::string sha256;  // hex, of the file at dest
  int schema_version = 0;
};

// Copies the database at source_path into a new file at dest_path (replaced
// if present) in one step, from a single read snapshot (in WAL mode writers
// are not blocked), then runs PRAGMA quick_check on the copy. Internal if
// the copy is damaged; Unavailable if the source cannot be opened.
Result<BackupInfo> BackupDatabase(const std::string& source_path, const std::string& dest_path);

}  // namespace muster

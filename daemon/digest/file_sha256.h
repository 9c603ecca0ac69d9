// SHA-256 of a file's contents, shared by the daemon (backups) and musterctl
// (checking a downloaded backup), so that the client needs OpenSSL's digest
// and nothing of the daemon's SQLite code.
#pragma once

#include <string>

#include "core/status.h"

namespace muster {

// SHA-256 (lower-case hex) of the file at path; Internal naming the path if
// it cannot be read.
Result<std::string> FileSha256(const std::string& path);

}  // namespace muster

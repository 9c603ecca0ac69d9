// Files musterctl writes that hold personal data (roster exports, backups):
// created readable and writable by the user alone (0600), whatever the
// umask. Thread-safe (no shared state).
#pragma once

#include <fstream>
#include <string>

namespace muster::client {

// Replaces whatever is at `path` with a new empty file of mode 0600 and
// opens `stream` on it for writing (binary). False, with errno set, when the
// file cannot be removed, created or opened.
bool OpenPrivateFile(const std::string& path, std::ofstream& stream);

}  // namespace muster::client

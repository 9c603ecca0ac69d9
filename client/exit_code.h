// musterctl's exit codes, a stable interface for scripts (documented in
// client/README.md and at the end of `musterctl --help`).
#pragma once

namespace muster::client {

enum ExitCode : int {
  // The command did what was asked.
  kExitOk = 0,
  // The command failed: the server rejected the request (INVALID_ARGUMENT,
  // NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INTERNAL, ...), an import
  // rejected at least one row, or a local file could not be read or written.
  kExitFailed = 1,
  // Bad command line: unknown command or flag, a malformed flag value.
  kExitUsage = 2,
  // The server could not be reached or did not answer in time (UNAVAILABLE,
  // DEADLINE_EXCEEDED, or a stream that stopped making progress).
  kExitUnavailable = 3,
  // The server refused the caller (UNAUTHENTICATED, PERMISSION_DENIED).
  kExitDenied = 4,
};

}  // namespace muster::client

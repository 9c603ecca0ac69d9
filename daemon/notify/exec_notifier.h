// The "exec" backend: runs setting `program` (absolute path) with the fixed
// `args` (never built from message text, never through a shell; posix_spawn
// with an argv array). The message goes to its stdin as one JSON line (see
// docs/notifiers.md); env adds MUSTER_KIND, MUSTER_IDEMPOTENCY_KEY,
// MUSTER_CHANNEL_KIND. stdout is discarded; stderr is kept (first 64 KiB).
// Exit 0 = kDelivered, 75 (EX_TEMPFAIL) = kRetry, timeout (`timeout_ms`,
// default 10000, then SIGKILL) = kRetry, anything else = kPermanent with
// stderr's first line in detail.
// Non-blocking: pipes via asio posix::stream_descriptor on a strand; the
// child is reaped with waitpid(WNOHANG) once its stderr closes. Creating one
// sets SIGPIPE to ignored (a child that exits without reading stdin must not
// kill the daemon). Thread-safety: Send/Shutdown from any thread.
#pragma once

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

Result<std::unique_ptr<Notifier>> MakeExecNotifier(const NotifierSpec& spec,
                                                   boost::asio::any_io_executor executor);

// The JSON line written to the program's stdin (no trailing newline).
std::string ExecInputJson(const Message& message);

}  // namespace muster::notify

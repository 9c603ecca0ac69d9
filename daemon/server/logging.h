// Logging set-up for musterd: spdlog's default logger "musterd" on stderr,
// either human text (the historical style) or JSON lines:
//   {"ts":"2026-11-25T10:00:00.123Z","level":"info","logger":"musterd",
//    "msg":"...","request_id":"..."}
// (one object per line; ts in UTC with milliseconds; request_id only while a
// ScopedRequestId is active on the logging thread). Text lines carry
// "[req ID]" after the level in the same case.
//
// Never log request bodies or phone numbers at info level or above.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace spdlog {
class formatter;
}

namespace muster::logging {

// Installs the default logger. level: trace|debug|info|warn|error|critical|off
// (field "log.level"); format: text|json (field "log.format"). May be called
// again to switch. Not thread-safe against concurrent logging: call at
// start-up, before other threads log.
Status SetupLogging(const std::string& level, const std::string& format);

// The formatter SetupLogging uses for `format` ("text" or "json"); nullptr
// for anything else. Exposed for tests and for extra sinks.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& format);

// Sets the calling thread's request id for its lifetime, restoring the
// previous one (nesting works). Log lines written on this thread meanwhile
// carry it. Not movable: bind it to a scope.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// Sets (or with "" clears) the calling thread's request id until changed:
// for code whose start and end are not one scope (RPC interceptors).
void SetCurrentRequestId(std::string id);

// The calling thread's request id, "" when none is set.
const std::string& CurrentRequestId();

// `text` made safe to put inside one log line or status message: control
// characters (newlines included) and invalid UTF-8 become \n, \xNN and so
// on, so no caller-supplied text can start a forged line; at most
// `max_bytes` of the input are kept (cut at a character boundary) and a cut
// value ends in "...(+N bytes)", saying how much was dropped.
std::string Printable(std::string_view text, size_t max_bytes = 200);

}  // namespace muster::logging

// Cancels a long-running gRPC call that stops making progress.
//
// Streams such as `roster import` and `roster export` may legitimately run
// for minutes, so they get no overall deadline; instead the caller reports
// progress (a message written or read) and the watchdog cancels the call if
// none is reported within the limit. A dead server is thus detected within
// the limit whatever the size of the stream, and a slow but working one is
// never cut off.
#pragma once

#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace muster::client {

// Thread-safe: Progress() and SetLimit() may be called from any thread while
// the watchdog's own thread waits. The context must outlive the watchdog.
class StallWatchdog {
 public:
  StallWatchdog(grpc::ClientContext* context, std::chrono::milliseconds limit);
  ~StallWatchdog();  // stops the watchdog thread (never cancels)
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

  // Records progress: the call is cancelled only after `limit` without any.
  // Cheap (one atomic store); fine to call per message.
  void Progress();
  // Changes the limit (e.g. a longer one while waiting for a final summary)
  // and records progress.
  void SetLimit(std::chrono::milliseconds limit);
  // Pause() stops the clock (e.g. while waiting for local input, which is not
  // the server's fault); Resume() restarts it and records progress.
  void Pause();
  void Resume();
  // True if the watchdog cancelled the call.
  bool fired() const { return fired_.load(); }
  std::chrono::milliseconds limit() const { return std::chrono::milliseconds(limit_ms_.load()); }

 private:
  void Run();
  static int64_t NowMs();

  grpc::ClientContext* context_;
  std::atomic<int64_t> limit_ms_;
  std::atomic<int64_t> last_progress_ms_;
  std::atomic<bool> fired_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;    // guarded by mu_
  bool paused_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace muster::client

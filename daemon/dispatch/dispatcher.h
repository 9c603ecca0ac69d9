// Dispatcher: turns stored selections into people being called, on one
// Boost.Asio thread (no thread per message).
//
// - Works from the outbox (schema/0003_dispatch.sql): every message is a row
//   written before anything is sent; on start it resumes every pending row.
//   A resend after a crash carries the same idempotency key.
// - Per backend: a concurrency limit, a rate limit, retries with exponential
//   backoff and jitter, and a circuit breaker; a channel lists several
//   backends in order and a message moves to the next when one keeps
//   failing, then to the reservist's next channel.
// - A per-person cap on call-out messages per hour.
// - Answers (HTTP links, SMS replies, gRPC) fill slots; a decline, failure
//   or an answer deadline passing asks the next best candidates (a new
//   wave); when a requirement fills, its unanswered call-outs are stood down,
//   and when all fill the activation is FILLED. Cancel and stand-down send
//   everyone still in play a stand-down message.
// - Every change is published to the EventHub for WatchActivation.
//
// Public methods are thread-safe: they run their work on the dispatcher's
// thread and wait for it.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "activation/activation_manager.h"
#include "activation/activation_store.h"
#include "activation/callout_key.h"
#include "core/clock.h"
#include "core/status.h"
#include "dispatch/callout_machine.h"
#include "dispatch/dispatch_store.h"
#include "dispatch/event_hub.h"
#include "dispatch/sms_words.h"
#include "notify/notifier.h"

namespace muster::dispatch {

struct Backend {
  std::string name;
  std::unique_ptr<notify::Notifier> notifier;
  notify::BackendLimits limits;
};

struct DispatcherOptions {
  int per_person_hourly_cap = 6;
  int sweep_interval_ms = 1000;
  // Base of answer links: "<public_url>/r/<token>/accept". No trailing slash.
  std::string public_url = "http://127.0.0.1:7071";
  // Backend names per channel kind, in order.
  std::map<ChannelKind, std::vector<std::string>> routes;
  // Declines and failures within this long are answered with one new wave.
  int topup_delay_ms = 500;
  // Delivery state changes are stored in batches at least this often.
  int flush_interval_ms = 20;
  // Told of every activation state change the dispatcher makes or carries
  // out (filled, reopened, cancelled, stood down, expired), on its thread;
  // the daemon records them in the audit log. May be empty.
  std::function<void(int64_t activation_id, ActivationState state, const std::string& reason)>
      on_state_change;
};

struct AnswerRequest {
  std::string token;  // or:
  int64_t activation_id = 0;
  int64_t reservist_id = 0;
  AnswerKind answer = AnswerKind::kAccept;
  std::string via;  // "link", "sms", "grpc" (for the event detail)
};

struct AnswerResult {
  AnswerOutcome outcome = AnswerOutcome::kRecorded;
  Callout callout;
  int64_t activation_id = 0;
  std::string activation_title;
  std::string message;  // what to tell the reservist
};

// Builds the backends once the dispatcher's executor exists.
using BackendFactory =
    std::function<Result<std::vector<Backend>>(boost::asio::any_io_executor executor)>;

class Dispatcher {
 public:
  // Loads live activations and pending outbox rows and starts the thread.
  static Result<std::unique_ptr<Dispatcher>> Start(const std::string& db_path,
                                                   ActivationManager& manager,
                                                   ActivationStore& activations, const Clock& clock,
                                                   DispatcherOptions options,
                                                   const BackendFactory& backends);
  ~Dispatcher();

  // A new activation was stored: start sending its call-outs.
  Status Kick(int64_t activation_id);
  // OPEN/FILLED -> CANCELLED (cancel) or STOOD_DOWN: everyone awaiting an
  // answer or accepted gets a stand-down message; unsent call-outs are
  // withdrawn. FailedPrecondition from other states.
  Result<Activation> End(int64_t activation_id, ActivationState to, const std::string& reason);
  // NotFound for an unknown token or call-out.
  Result<AnswerResult> Answer(const AnswerRequest& request);
  // An SMS reply "YES"/"NO" from a phone number: answers that number's most
  // recent call-out awaiting an answer. NotFound if none; InvalidArgument if
  // the text is neither.
  Result<AnswerResult> AnswerFromPhone(const std::string& phone, const std::string& text);
  // A gateway's delivery receipt for a message's receipt reference (see
  // ReceiptReference in activation/callout_key.h; never the guessable
  // idempotency key): sent -> delivered, or, for a call-out, a failure that
  // moves it on to the next channel. Receipts for stand-downs change
  // nothing. NotFound if the reference is unknown.
  Status Receipt(const std::string& reference, ReceiptStatus status, const std::string& detail);
  // True when `token` is a live call-out's answer token: what Answer would
  // find (answer pages show a confirm page only for these).
  bool KnowsAnswerToken(const std::string& token);
  // Checks deadlines, expiry and retries now (the sweep timer does this on
  // its own; tests with a ManualClock call it after moving the clock).
  void SweepNow();
  // Waits until everything due has been sent and stored (for tests and
  // benchmarks); false on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout);

  EventHub& events() { return events_; }
  // Ready for work (the thread runs and backends exist).
  bool running() const { return running_.load(); }

  // Stops the thread; pending messages stay in the outbox for next start.
  void Stop();

 private:
  struct Impl;  // the parts, wired on the dispatcher thread (dispatcher.cc)

  Dispatcher() = default;
  // Runs fn on the dispatcher thread and waits for its result.
  template <typename T>
  T RunOnThread(std::function<T()> fn);

  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  EventHub events_;
  std::atomic<size_t> queue_depth_{0};  // queued and in flight: muster_dispatch_queue_depth
  std::atomic<size_t> live_count_{0};
  std::atomic<bool> running_{false};
};

// The dispatcher's backends from the daemon config: every [notifiers.NAME]
// table through the notifier registry, plus "log" if used and not declared.
Result<std::vector<Backend>> BuildBackends(const DaemonConfig& config,
                                           boost::asio::any_io_executor executor);
// Builds every backend as start-up does (BuildBackends), then drops them:
// the first setting start-up would refuse, named ("notifiers.mail.host: is
// required"), or Ok. Connects to nothing. For musterd --check-config.
Status CheckBackends(const DaemonConfig& config);
// channels.* from the config.
std::map<ChannelKind, std::vector<std::string>> RoutesFromConfig(const DaemonConfig& config);

}  // namespace muster::dispatch

// Notifier: one small interface that every delivery backend (log, webhook,
// sms, email, exec) implements. The dispatcher (daemon/dispatch/) owns
// retries, backoff, circuit breaking, fallback to the next channel, rate and
// concurrency limits; a notifier only tries to deliver one message once and
// says how that went.
//
// Adding a backend touches only its own files plus one line in
// notify/registry.cc.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/status.h"
#include "roster/model.h"

namespace muster::notify {

enum class MessageKind {
  kCallout = 1,    // "you are asked to help": carries accept/decline links
  kStandDown = 2,  // "no longer needed" / "activation cancelled" / "released"
};

// "callout" / "stand_down".
const char* MessageKindName(MessageKind kind);
// (The channel kinds' names: ChannelKindName in roster/model.h.)

// One message to one person on one channel. Everything a backend needs is
// here: backends never read the database.
struct Message {
  // Stable for this message: "<call-out key>" for a call-out,
  // "<call-out key>-standdown" for its stand-down. A resend after a crash
  // carries the same key (webhook: Idempotency-Key header; email:
  // Message-ID).
  std::string idempotency_key;
  // What an SMS gateway is given as its client reference and echoes in
  // delivery receipts: unguessable, the same on every resend
  // (dispatch::ReceiptReference). "" when the sender gives none.
  std::string receipt_reference;
  MessageKind kind = MessageKind::kCallout;
  int64_t message_id = 0;  // outbox row id
  int64_t activation_id = 0;
  int64_t callout_id = 0;
  int64_t reservist_id = 0;
  std::string reservist_name;
  ContactChannel channel;  // kind + address (phone, e-mail, URL)
  std::string subject;     // one line, e.g. "Muster call-out: Tewkesbury flooding"
  std::string text;        // plain-text body, links included, ready to send
  std::string accept_url;  // call-outs only; "" otherwise
  std::string decline_url;
  int attempt = 1;  // 1 for the first try of this message on any backend
};

enum class SendOutcome {
  kDelivered,  // the receiver confirmed it (2xx, SMTP 250 after DATA)
  kSent,       // handed over; a delivery receipt may follow (SMS gateway 2xx, log)
  kRetry,      // temporary failure (timeout, 5xx, connection refused): try again
  kPermanent,  // will never work for this address (4xx, SMTP 5xx): next channel
};

// "delivered" / "sent" / "retry" / "permanent".
const char* SendOutcomeName(SendOutcome outcome);

struct SendResult {
  SendOutcome outcome = SendOutcome::kRetry;
  // Failures: what went wrong, for the call-out's last_error, e.g.
  // "HTTP 503 Service Unavailable" or "connect: connection refused".
  std::string detail;
  // The provider's own message id when it returns one (SMS gateways), so a
  // delivery receipt can be matched; "" otherwise.
  std::string provider_id;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Starts one delivery attempt. Called on the notifier's executor; `done`
  // must be called exactly once, on that executor, even on timeout or
  // shutdown. Never blocks the thread (no synchronous I/O). Several Sends
  // may be in flight at once (the dispatcher bounds how many).
  virtual void Send(const Message& message, std::function<void(SendResult)> done) = 0;
  // Cancels whatever is in flight (their `done` still run, with kRetry).
  virtual void Shutdown() {}
};

// What every backend may be told in its [notifiers.NAME] table besides its own
// keys; read by the dispatcher, ignored by the backend.
struct BackendLimits {
  int concurrency = 32;        // concurrency: sends in flight at once
  double rate_per_second = 0;  // rate_per_second: 0 = unlimited
  int max_attempts = 5;        // max_attempts: per message on this backend
  int backoff_initial_ms =
      500;                     // backoff_initial_ms: first retry delay (x2 each time, +-20% jitter)
  int backoff_max_ms = 60000;  // backoff_max_ms
  int breaker_failures = 5;    // breaker_failures: consecutive failures that open the breaker
  int breaker_cooldown_ms = 30000;  // breaker_cooldown_ms: skipped this long once open
};

// Reads the BackendLimits keys of a spec (errors name "notifiers.NAME.KEY").
Result<BackendLimits> ParseBackendLimits(const NotifierSpec& spec);
// The keys ParseBackendLimits reads, so backends can ignore them.
const std::vector<std::string>& BackendLimitKeys();

// Creates a backend from its config. Errors name the key:
// InvalidArgument("notifiers.sms_primary.url", "is required").
using NotifierFactory = std::function<Result<std::unique_ptr<Notifier>>(
    const NotifierSpec& spec, boost::asio::any_io_executor executor)>;

// The factory registered for a type ("webhook"), or nullptr.
NotifierFactory FindNotifierFactory(const std::string& type);
// Registered type names, sorted.
std::vector<std::string> NotifierTypes();

}  // namespace muster::notify

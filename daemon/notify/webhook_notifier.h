// The "webhook" backend: HTTP(S) POST of a JSON body (see docs/notifiers.md)
// to setting `url`, or else to the channel address (an http(s) URL).
// Headers: Content-Type: application/json, Idempotency-Key: <key>, and with
// setting `secret`: X-Muster-Timestamp: <unix seconds of this attempt> and
// X-Muster-Signature: WebhookSignature(secret, timestamp, body).
// Settings: url, secret, headers, connect_timeout_ms (3000), timeout_ms
// (10000), ca_file, verify (true), allow_networks ([]: targets that resolve
// to loopback, link-local, private or other internal addresses are refused,
// kPermanent, unless inside one of these "ADDRESS[/PREFIX]" blocks; see
// address_policy.h). 2xx = kDelivered; 408/429/5xx/transport
// errors = kRetry; other statuses = kPermanent.
// Thread-safety: as HttpClient (Send from any thread; callbacks on the executor).
#pragma once

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

Result<std::unique_ptr<Notifier>> MakeWebhookNotifier(const NotifierSpec& spec,
                                                      boost::asio::any_io_executor executor);

// The JSON body sent for a message (exposed for tests and docs).
std::string WebhookBody(const Message& message);
// "sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<body>" under secret>":
// the timestamp is signed with the body, so a receiver that refuses old
// timestamps (docs/notifiers.md: 5 minutes) cannot be fed a replayed request.
std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body);

}  // namespace muster::notify

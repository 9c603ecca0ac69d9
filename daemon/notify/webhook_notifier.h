// The "webhook" backend: HTTP(S) POST of a JSON body (see docs/notifiers.md)
// to setting `url`, or else to the channel address (an http(s) URL).
// Headers: Content-Type: application/json, Idempotency-Key: <key>, and with
// setting `secret`: X-Muster-Signature: sha256=<hex HMAC-SHA256 of the body>.
// Settings: url, secret, headers, connect_timeout_ms (3000), timeout_ms
// (10000), ca_file, verify (true). 2xx = kDelivered; 408/429/5xx/transport
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
// Lowercase hex HMAC-SHA256 of body under secret.
std::string HmacSha256Hex(const std::string& secret, const std::string& body);

}  // namespace muster::notify

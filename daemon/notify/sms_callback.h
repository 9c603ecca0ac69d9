// How musterd knows that a request to its SMS callback endpoints
// (/sms/inbound, /sms/receipt) comes from a configured SMS gateway and not
// from anyone who can reach the HTTP port.
//
// Each [notifiers.NAME] table of type "sms" may say how its gateway signs
// callbacks:
//   callback_signature   "hmac-sha256": header callback_signature_header
//                        (default X-Muster-Signature) holds the hex
//                        HMAC-SHA256 of the raw request body under
//                        callback_secret, optionally prefixed "sha256=";
//                        "twilio": header X-Twilio-Signature holds the base64
//                        HMAC-SHA1, under callback_secret (the auth token),
//                        of the full URL (http.public_url + path and query)
//                        followed by each form parameter's name and value,
//                        sorted by name;
//                        "none": no signature; only with callback_allow_from.
//   callback_secret      the shared secret (required unless "none")
//   callback_allow_from  source networks allowed to call ("203.0.113.0/24",
//                        "2001:db8::/32", a bare address); empty = any
// A callback is accepted when it satisfies every rule of at least one gateway.
// With no gateway configured, callbacks are refused.
//
// Pure functions and plain data: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/status.h"

namespace muster::notify {

class SettingsReader;

struct SmsCallbackCheck {
  enum class Signature { kNone, kHmacSha256, kTwilio };
  std::string gateway;  // the notifier's name
  Signature signature = Signature::kHmacSha256;
  std::string secret;
  std::string header = "x-muster-signature";  // lower case
  // Allowed source networks as (address, prefix length); empty = any.
  std::vector<std::pair<std::string, int>> allow_from;
};

// What a check needs to know about one callback request.
struct SmsCallbackRequest {
  std::string url;           // as the gateway called it: public base + path and query
  std::string content_type;  // the Content-Type header
  std::string body;          // raw
  std::string signature;     // the value of the check's signature header ("" if absent)
  std::string remote_ip;     // "203.0.113.7" or "2001:db8::1"
};

// Reads the callback_* keys of an sms notifier (so Finish() accepts them).
// nullopt when callback_signature is absent; errors are recorded on `r`.
std::optional<SmsCallbackCheck> ReadSmsCallbackCheck(SettingsReader& r);
// The checks of every [notifiers.*] table of type "sms" that has them.
// Errors name "notifiers.NAME.KEY".
Result<std::vector<SmsCallbackCheck>> SmsCallbackChecks(const std::vector<NotifierSpec>& specs);

// True when `request` satisfies `check` (source network and signature).
bool SmsCallbackAllowed(const SmsCallbackCheck& check, const SmsCallbackRequest& request);

// The signatures, as a gateway computes them (also for tests and docs).
std::string HmacSha256Signature(const std::string& secret, const std::string& body);  // hex
std::string TwilioSignature(const std::string& auth_token, const std::string& url,
                            const std::string& form_body);

}  // namespace muster::notify

// Fuzz target: SMS gateway callbacks: the body decoder of /sms/inbound and
// /sms/receipt (dispatch::ParseFields, form or JSON by content type) and the
// gateway checks (notify/sms_callback.h: HMAC-SHA256 and Twilio signatures,
// source networks).
//
// The first byte picks the content type and the remote address's form; the
// rest is the body. Properties:
// - a form body decodes as http::ParseFormUrlEncoded does; a JSON body's
//   fields, written again as a JSON object of strings, decode the same;
// - a body signed with the gateway's secret passes the HMAC check (hex in
//   either case, with or without "sha256="), a signature for any other body
//   or a damaged one does not;
// - a form body with its Twilio signature passes, the same signature on a
//   changed URL does not, and a non-form body never passes a Twilio check;
// - allow_from admits an address inside the network only.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "dispatch/answer_pages.h"
#include "fuzz/fuzz_check.h"
#include "http/http_server.h"
#include "notify/sms_callback.h"

namespace {

using namespace muster;
using notify::SmsCallbackCheck;
using notify::SmsCallbackRequest;

void CheckFields(const std::string& content_type, const std::string& body) {
  auto fields = dispatch::ParseFields(content_type, body);
  if (content_type.find("json") == std::string::npos) {
    FUZZ_CHECK(fields == http::ParseFormUrlEncoded(body), "a form decodes as a query does");
    return;
  }
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : fields) object[name] = value;
  // Invalid UTF-8 cannot be written back as JSON text; nlohmann would throw.
  std::string text = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore);
  if (text.size() == object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size()) {
    FUZZ_CHECK(dispatch::ParseFields(content_type, text) == fields,
               "JSON fields written again decode the same");
  }
}

void CheckHmac(const std::string& body) {
  SmsCallbackCheck check;
  check.gateway = "fuzz";
  check.signature = SmsCallbackCheck::Signature::kHmacSha256;
  check.secret = "s3cret";
  SmsCallbackRequest req;
  req.body = body;
  req.remote_ip = "203.0.113.7";
  std::string good = notify::HmacSha256Signature(check.secret, body);
  FUZZ_CHECK(good.size() == 64, "an HMAC-SHA256 is 64 hex digits");
  req.signature = good;
  FUZZ_CHECK(notify::SmsCallbackAllowed(check, req), "a signed body passes");
  req.signature = "sha256=" + good;
  FUZZ_CHECK(notify::SmsCallbackAllowed(check, req), "a signed body passes with sha256=");
  std::string upper = good;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  req.signature = upper;
  FUZZ_CHECK(notify::SmsCallbackAllowed(check, req), "upper-case hex passes");
  std::string damaged = good;
  damaged[body.size() % damaged.size()] = damaged[body.size() % damaged.size()] == '0' ? '1' : '0';
  req.signature = damaged;
  FUZZ_CHECK(!notify::SmsCallbackAllowed(check, req), "a damaged signature fails");
  req.signature = notify::HmacSha256Signature(check.secret, body + "x");
  FUZZ_CHECK(!notify::SmsCallbackAllowed(check, req), "another body's signature fails");
  req.signature = "";
  FUZZ_CHECK(!notify::SmsCallbackAllowed(check, req), "no signature fails");
  // The network rule: inside 203.0.113.0/24 only.
  check.allow_from = {{"203.0.113.0", 24}};
  req.signature = good;
  FUZZ_CHECK(notify::SmsCallbackAllowed(check, req), "an address inside the network passes");
  req.remote_ip = "203.0.114.7";
  FUZZ_CHECK(!notify::SmsCallbackAllowed(check, req), "an address outside the network fails");
}

void CheckTwilio(const std::string& content_type, const std::string& body) {
  SmsCallbackCheck check;
  check.gateway = "fuzz";
  check.signature = SmsCallbackCheck::Signature::kTwilio;
  check.secret = "token";
  SmsCallbackRequest req;
  req.url = "https://muster.example.org/sms/inbound";
  req.content_type = content_type;
  req.body = body;
  req.remote_ip = "203.0.113.7";
  req.signature = notify::TwilioSignature(check.secret, req.url, body);
  bool form = content_type.find("application/x-www-form-urlencoded") != std::string::npos;
  FUZZ_CHECK(notify::SmsCallbackAllowed(check, req) == (form || body.empty()),
             "a signed form passes; a signed non-form body does not");
  req.url += "?x=1";
  FUZZ_CHECK(!notify::SmsCallbackAllowed(check, req), "the signature covers the URL");
}

void CheckRemote(const std::string& remote) {
  SmsCallbackCheck check;
  check.signature = SmsCallbackCheck::Signature::kNone;
  check.allow_from = {{"::", 0}};
  SmsCallbackRequest req;
  req.remote_ip = remote;
  bool v6_any = notify::SmsCallbackAllowed(check, req);
  check.allow_from = {{"0.0.0.0", 0}};
  bool v4_any = notify::SmsCallbackAllowed(check, req);
  FUZZ_CHECK(!(v6_any && v4_any), "an address is IPv4 or IPv6, not both");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  static const char* kTypes[] = {"application/x-www-form-urlencoded",
                                 "application/x-www-form-urlencoded; charset=utf-8",
                                 "application/json", "text/plain", ""};
  std::string content_type = kTypes[data[0] % 5];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  CheckFields(content_type, body);
  CheckHmac(body);
  CheckTwilio(content_type, body);
  if (body.size() <= 64) CheckRemote(body);
  return 0;
}

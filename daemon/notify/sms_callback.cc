#include "notify/sms_callback.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <cctype>

#include "core/text.h"
#include "digest/hash.h"
#include "notify/settings.h"

namespace muster::notify {
namespace {

namespace ip = boost::asio::ip;

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string FormDecode(std::string_view in) {
  std::string out;
  // A malformed escape is kept literally, as the sender's signature covers it.
  PercentDecode(in, PlusSign::kSpace, &out);
  return out;
}

// "203.0.113.0/24", "2001:db8::/32" or a bare address -> (address, prefix).
std::optional<std::pair<std::string, int>> ParseNetwork(const std::string& text) {
  boost::system::error_code ec;
  size_t slash = text.find('/');
  auto address = ip::make_address(text.substr(0, slash), ec);
  if (ec) return std::nullopt;
  int max = address.is_v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string::npos) {
    std::string digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    prefix = std::stoi(digits);
    if (prefix > max) return std::nullopt;
  }
  return std::make_pair(address.to_string(), prefix);
}

bool InNetwork(const std::string& remote, const std::pair<std::string, int>& net) {
  boost::system::error_code ec;
  auto a = ip::make_address(remote, ec);
  if (ec) return false;
  auto n = ip::make_address(net.first, ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  if (a.is_v4() != n.is_v4()) return false;
  if (a.is_v4()) {
    auto prefix = static_cast<unsigned short>(net.second);
    return ip::network_v4(a.to_v4(), prefix).canonical() ==
           ip::network_v4(n.to_v4(), prefix).canonical();
  }
  auto prefix = static_cast<unsigned short>(net.second);
  return ip::network_v6(a.to_v6(), prefix).canonical() ==
         ip::network_v6(n.to_v6(), prefix).canonical();
}

bool SignatureMatches(const SmsCallbackCheck& check, const SmsCallbackRequest& req) {
  switch (check.signature) {
    case SmsCallbackCheck::Signature::kNone:
      return true;
    case SmsCallbackCheck::Signature::kHmacSha256: {
      std::string given = req.signature;
      if (given.starts_with("sha256=")) given.erase(0, 7);
      std::transform(given.begin(), given.end(), given.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return !given.empty() &&
             ConstantTimeEquals(given, HmacSha256Signature(check.secret, req.body));
    }
    case SmsCallbackCheck::Signature::kTwilio: {
      // Twilio's signature covers the parameters of a form body only; any
      // other body would be read as answers without being signed.
      bool form = req.content_type.find("application/x-www-form-urlencoded") != std::string::npos;
      if (!form && !req.body.empty()) return false;
      std::string expected = TwilioSignature(check.secret, req.url, req.body);
      return !req.signature.empty() && ConstantTimeEquals(req.signature, expected);
    }
  }
  return false;
}

}  // namespace

std::string HmacSha256Signature(const std::string& secret, const std::string& body) {
  return HmacSha256Hex(secret, body);
}

std::string TwilioSignature(const std::string& auth_token, const std::string& url,
                            const std::string& form_body) {
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view rest = form_body;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    params.emplace_back(FormDecode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1)));
  }
  std::sort(params.begin(), params.end());
  std::string data = url;
  for (const auto& [name, value] : params) data += name + value;
  return Base64(HmacSha1(auth_token, data));
}

std::optional<SmsCallbackCheck> ReadSmsCallbackCheck(SettingsReader& r) {
  bool any = r.Has("callback_signature") || r.Has("callback_secret") ||
             r.Has("callback_signature_header") || r.Has("callback_allow_from");
  std::string mode = r.Has("callback_signature")
                         ? r.Choice("callback_signature", "", {"hmac-sha256", "twilio", "none"})
                         : "";
  std::string secret = r.String("callback_secret");
  std::string header = r.String("callback_signature_header", "X-Muster-Signature");
  std::vector<std::string> allow = r.StringList("callback_allow_from");
  if (!any || !r.status().ok()) return std::nullopt;
  if (mode.empty()) {
    r.Fail("callback_signature",
           "is required with the other callback_* settings "
           "(hmac-sha256, twilio or none)");
    return std::nullopt;
  }
  SmsCallbackCheck check;
  check.signature = mode == "twilio" ? SmsCallbackCheck::Signature::kTwilio
                    : mode == "none" ? SmsCallbackCheck::Signature::kNone
                                     : SmsCallbackCheck::Signature::kHmacSha256;
  if (check.signature != SmsCallbackCheck::Signature::kNone && secret.empty()) {
    r.Fail("callback_secret", "is required for callback_signature = \"" + mode + "\"");
    return std::nullopt;
  }
  if (check.signature == SmsCallbackCheck::Signature::kNone && allow.empty()) {
    r.Fail("callback_allow_from",
           "is required for callback_signature = \"none\" (unsigned callbacks only from listed "
           "networks)");
    return std::nullopt;
  }
  if (check.signature == SmsCallbackCheck::Signature::kTwilio) header = "X-Twilio-Signature";
  for (size_t i = 0; i < allow.size(); ++i) {
    auto net = ParseNetwork(allow[i]);
    if (!net) {
      r.Fail("callback_allow_from",
             fmt::format("item {} '{}' is not an address or network (e.g. 203.0.113.0/24)", i,
                         allow[i]));
      return std::nullopt;
    }
    check.allow_from.push_back(*net);
  }
  check.secret = std::move(secret);
  std::transform(header.begin(), header.end(), header.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  check.header = std::move(header);
  return check;
}

Result<std::vector<SmsCallbackCheck>> SmsCallbackChecks(const std::vector<NotifierSpec>& specs) {
  std::vector<SmsCallbackCheck> out;
  for (const auto& spec : specs) {
    if (spec.type != "sms") continue;
    SettingsReader r(spec);
    auto check = ReadSmsCallbackCheck(r);
    MUSTER_RETURN_IF_ERROR(r.status());
    if (!check) continue;
    check->gateway = spec.name;
    out.push_back(std::move(*check));
  }
  return out;
}

bool SmsCallbackAllowed(const SmsCallbackCheck& check, const SmsCallbackRequest& request) {
  if (!check.allow_from.empty()) {
    bool inside = false;
    for (const auto& net : check.allow_from) inside |= InNetwork(request.remote_ip, net);
    if (!inside) return false;
  }
  return SignatureMatches(check, request);
}

}  // namespace muster::notify

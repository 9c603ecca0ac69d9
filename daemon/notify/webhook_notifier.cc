#include "notify/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "notify/http_client.h"
#include "notify/settings.h"

namespace muster::notify {
namespace {

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(boost::asio::any_io_executor executor, std::shared_ptr<HttpClient> client,
                  std::optional<Url> url, std::string secret, HeaderList headers)
      : executor_(std::move(executor)),
        client_(std::move(client)),
        url_(std::move(url)),
        secret_(std::move(secret)),
        headers_(std::move(headers)) {}
  ~WebhookNotifier() override { client_->Shutdown(); }

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    HttpRequest req;
    if (url_) {
      req.url = *url_;
    } else {
      auto url = ParseUrl(m.channel.address);
      if (!url.ok()) {
        // Never sent anywhere; still reported through the executor, never inline.
        boost::asio::post(executor_, [done = std::move(done), msg = url.status().message()] {
          done(SendResult{SendOutcome::kPermanent, "webhook address: " + msg, ""});
        });
        return;
      }
      req.url = *url;
    }
    req.method = "POST";
    req.content_type = "application/json";
    req.body = WebhookBody(m);
    req.headers = headers_;
    req.headers.emplace_back("Idempotency-Key", m.idempotency_key);
    if (!secret_.empty()) {
      // A fresh timestamp on every attempt: a receiver's window then accepts
      // a retry, and refuses a recording of an old request replayed later.
      std::string timestamp =
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
      req.headers.emplace_back("X-Muster-Timestamp", timestamp);
      req.headers.emplace_back("X-Muster-Signature",
                               WebhookSignature(secret_, timestamp, req.body));
    }
    client_->Send(std::move(req), [done = std::move(done)](HttpResponse r) {
      done(MapHttpResponse(r, SendOutcome::kDelivered));
    });
  }

  void Shutdown() override { client_->Shutdown(); }

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<HttpClient> client_;
  std::optional<Url> url_;
  std::string secret_;
  HeaderList headers_;
};

}  // namespace

namespace {

// True if text is valid UTF-8 (what nlohmann::json would dump unchanged).
bool ValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Appends text as a JSON string exactly as nlohmann::json::dump() writes
// valid UTF-8 (short escapes for \b \f \n \r \t, \u00xx for the other
// control characters, everything else as is).
void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string WebhookBodyJson(const Message& m) {
  nlohmann::ordered_json j;
  j["idempotency_key"] = m.idempotency_key;
  j["kind"] = MessageKindName(m.kind);
  j["activation_id"] = m.activation_id;
  j["callout_id"] = m.callout_id;
  j["reservist_id"] = m.reservist_id;
  j["name"] = m.reservist_name;
  j["subject"] = m.subject;
  j["text"] = m.text;
  j["accept_url"] = m.accept_url;
  j["decline_url"] = m.decline_url;
  // Invalid UTF-8 is replaced rather than throwing inside an I/O path.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string WebhookBody(const Message& m) {
  // Written directly (the same bytes nlohmann::json writes); text that is not
  // valid UTF-8 goes through nlohmann::json, which replaces it.
  const std::string_view texts[] = {m.idempotency_key, m.reservist_name, m.subject, m.text,
                                    m.accept_url,      m.decline_url};
  for (auto t : texts) {
    if (!ValidUtf8(t)) return WebhookBodyJson(m);
  }
  std::string out;
  out.reserve(160 + m.idempotency_key.size() + m.reservist_name.size() + m.subject.size() +
              m.text.size() + m.accept_url.size() + m.decline_url.size());
  out += "{\"idempotency_key\":";
  AppendJsonString(out, m.idempotency_key);
  out += ",\"kind\":";
  AppendJsonString(out, MessageKindName(m.kind));
  out += ",\"activation_id\":";
  out += std::to_string(m.activation_id);
  out += ",\"callout_id\":";
  out += std::to_string(m.callout_id);
  out += ",\"reservist_id\":";
  out += std::to_string(m.reservist_id);
  out += ",\"name\":";
  AppendJsonString(out, m.reservist_name);
  out += ",\"subject\":";
  AppendJsonString(out, m.subject);
  out += ",\"text\":";
  AppendJsonString(out, m.text);
  out += ",\"accept_url\":";
  AppendJsonString(out, m.accept_url);
  out += ",\"decline_url\":";
  AppendJsonString(out, m.decline_url);
  out += '}';
  return out;
}

std::string HmacSha256Hex(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

namespace {

// An array of "ADDRESS[/PREFIX]" strings; errors name the key and the entry.
std::vector<Network> ReadNetworks(SettingsReader& r, const std::string& key) {
  std::vector<Network> out;
  for (const auto& text : r.StringList(key)) {
    auto n = ParseNetwork(text);
    if (!n.ok()) {
      r.Fail(key, n.status().message());
      return {};
    }
    out.push_back(*n);
  }
  return out;
}

}  // namespace

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  return "sha256=" + HmacSha256Hex(secret, timestamp + "." + body);
}

Result<std::unique_ptr<Notifier>> MakeWebhookNotifier(const NotifierSpec& spec,
                                                      boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  std::string url_text = r.String("url");
  std::string secret = r.String("secret");
  HeaderList headers = ReadHeaderList(r, "headers");
  HttpClientOptions options = ReadHttpClientOptions(r);
  options.addresses = AddressPolicy::PublicOnly(ReadNetworks(r, "allow_networks"));
  MUSTER_RETURN_IF_ERROR(r.Finish());
  std::optional<Url> url;
  if (!url_text.empty()) {
    auto parsed = ParseUrl(url_text);
    if (!parsed.ok()) return parsed.status().WithFieldPrefix(r.Field("url"));
    url = *parsed;
  }
  auto client = HttpClient::Create(executor, options);
  if (!client.ok()) return Status::InvalidArgument(r.Field("ca_file"), client.status().message());
  return std::unique_ptr<Notifier>(new WebhookNotifier(std::move(executor), *client, std::move(url),
                                                       std::move(secret), std::move(headers)));
}

}  // namespace muster::notify

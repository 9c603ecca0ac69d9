#include "notify/webhook_notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <optional>

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
      req.headers.emplace_back("X-Muster-Signature", "sha256=" + HmacSha256Hex(secret_, req.body));
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

std::string WebhookBody(const Message& m) {
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

Result<std::unique_ptr<Notifier>> MakeWebhookNotifier(const NotifierSpec& spec,
                                                      boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  std::string url_text = r.String("url");
  std::string secret = r.String("secret");
  HeaderList headers = ReadHeaderList(r, "headers");
  HttpClientOptions options = ReadHttpClientOptions(r);
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

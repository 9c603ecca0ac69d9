#include "notify/webhook_notifier.h"

#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/text.h"
#include "digest/hash.h"
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

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  AppendJsonEscaped(out, text);
  out += '"';
}

}  // namespace

std::string WebhookBody(const Message& m) {
  // Written directly: the same bytes nlohmann::json writes, invalid UTF-8
  // replaced by U+FFFD (see AppendJsonEscaped).
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

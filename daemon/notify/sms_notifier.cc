#include "notify/sms_notifier.h"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "notify/http_client.h"
#include "notify/settings.h"
#include "notify/sms_callback.h"

namespace muster::notify {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kForm = "application/x-www-form-urlencoded";
constexpr const char* kDefaultJsonTemplate =
    R"({"to":"{to}","text":"{text}","reference":"{reference}"})";
constexpr const char* kDefaultFormTemplate = "to={to}&text={text}&reference={reference}";

// Calls f(name) for each {name} of lowercase letters/underscores; returns the
// text with each replaced by f's result.
template <typename F>
std::string ForEachPlaceholder(const std::string& tmpl, F f) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{') {
      size_t j = i + 1;
      while (j < tmpl.size() &&
             (std::islower(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) {
        ++j;
      }
      if (j > i + 1 && j < tmpl.size() && tmpl[j] == '}') {
        out += f(tmpl.substr(i + 1, j - i - 1));
        i = j + 1;
        continue;
      }
    }
    out += tmpl[i++];
  }
  return out;
}

class SmsNotifier final : public Notifier {
 public:
  SmsNotifier(std::shared_ptr<HttpClient> client, HttpRequest base, std::string body_template,
              bool form, std::string id_field)
      : client_(std::move(client)),
        base_(std::move(base)),
        template_(std::move(body_template)),
        form_(form),
        id_field_(std::move(id_field)) {}
  ~SmsNotifier() override { client_->Shutdown(); }

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    HttpRequest req = base_;
    req.body = RenderSmsTemplate(template_, m, form_);
    req.headers.emplace_back("Idempotency-Key", m.idempotency_key);
    client_->Send(std::move(req), [done = std::move(done), id_field = id_field_](HttpResponse r) {
      SendResult result = MapHttpResponse(r, SendOutcome::kSent);
      if (result.outcome == SendOutcome::kSent && !id_field.empty()) {
        result.provider_id = ExtractJsonField(r.body, id_field);
      }
      done(std::move(result));
    });
  }

  void Shutdown() override { client_->Shutdown(); }

 private:
  std::shared_ptr<HttpClient> client_;
  HttpRequest base_;
  std::string template_;
  bool form_;
  std::string id_field_;
};

}  // namespace

std::string RenderSmsTemplate(const std::string& tmpl, const Message& m, bool form) {
  auto esc = [form](const std::string& v) { return form ? UrlEncode(v) : JsonEscape(v); };
  return ForEachPlaceholder(tmpl, [&](const std::string& name) -> std::string {
    if (name == "to") return esc(m.channel.address);
    if (name == "text") return esc(m.text);
    if (name == "reference") return esc(m.receipt_reference);
    if (name == "subject") return esc(m.subject);
    return "{" + name + "}";
  });
}

std::string UnknownSmsPlaceholder(const std::string& tmpl) {
  std::string unknown;
  ForEachPlaceholder(tmpl, [&](const std::string& name) {
    if (name != "to" && name != "text" && name != "reference" && name != "subject" &&
        unknown.empty()) {
      unknown = name;
    }
    return std::string();
  });
  return unknown;
}

std::string ExtractJsonField(const std::string& json_text, const std::string& path) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return "";
  const nlohmann::json* cur = &j;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(part)) return "";
    cur = &(*cur)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_number()) return cur->dump();
  return "";
}

Result<std::unique_ptr<Notifier>> MakeSmsNotifier(const NotifierSpec& spec,
                                                  boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  std::string url_text = r.RequiredString("url");
  HttpRequest base;
  base.method = r.Choice("method", "POST", {"POST", "PUT"});
  base.content_type = r.Choice("content_type", kJson, {kJson, kForm});
  const bool form = base.content_type == kForm;
  std::string tmpl = r.String("body_template", form ? kDefaultFormTemplate : kDefaultJsonTemplate);
  std::string auth = r.String("auth_header");
  base.headers = ReadHeaderList(r, "headers");
  std::string id_field = r.String("id_field");
  HttpClientOptions options = ReadHttpClientOptions(r);
  // Checked here so that a bad callback setting fails start-up by name; the
  // answer pages read them again (SmsCallbackChecks).
  (void)ReadSmsCallbackCheck(r);
  MUSTER_RETURN_IF_ERROR(r.Finish());

  auto url = ParseUrl(url_text);
  if (!url.ok()) return url.status().WithFieldPrefix(r.Field("url"));
  base.url = *url;
  if (std::string bad = UnknownSmsPlaceholder(tmpl); !bad.empty()) {
    return Status::InvalidArgument(
        r.Field("body_template"),
        "unknown placeholder {" + bad + "}; known: {to} {text} {reference} {subject}");
  }
  if (!auth.empty()) {
    std::pair<std::string, std::string> h;
    if (!ParseHeaderLine(auth, &h)) {
      return Status::InvalidArgument(r.Field("auth_header"),
                                     "expected \"Name: value\", e.g. \"Authorization: Bearer X\"");
    }
    base.headers.push_back(std::move(h));
  }
  auto client = HttpClient::Create(std::move(executor), options);
  if (!client.ok()) return Status::InvalidArgument(r.Field("ca_file"), client.status().message());
  return std::unique_ptr<Notifier>(
      new SmsNotifier(*client, std::move(base), std::move(tmpl), form, std::move(id_field)));
}

}  // namespace muster::notify

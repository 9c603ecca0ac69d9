#include "dispatch/answer_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <initializer_list>
#include <nlohmann/json.hpp>

namespace muster::dispatch {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Answer pages live under secret URLs: no cache may keep them and no link
// may carry the URL on as a Referer.
void AddPrivacyHeaders(http::Response& r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http::Response Page(int status, const std::string& title, const std::string& body_html) {
  http::Response r;
  r.status = status;
  AddPrivacyHeaders(r);
  r.content_type = "text/html; charset=utf-8";
  r.body = fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"robots\" content=\"noindex\"><title>{0}</title>"
      "<style>body{{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}}"
      "button{{font-size:1.3em;padding:.6em 1.4em}}</style></head>"
      "<body><h1>{0}</h1>{1}</body></html>\n",
      HtmlEscape(title), body_html);
  return r;
}

http::Response Text(int status, std::string text) {
  http::Response r;
  r.status = status;
  AddPrivacyHeaders(r);
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  r.body += "\n";
  return r;
}

bool ValidToken(std::string_view t) {
  if (t.size() != 32) return false;
  for (char c : t) {
    if (HexValue(c) < 0 || (c >= 'A' && c <= 'F')) return false;
  }
  return true;
}

http::Response NotRecognised() {
  return Page(404, "Link not recognised",
              "<p>This link is unknown or no longer in use: the activation may have ended. "
              "Nothing was recorded.</p>");
}

// The first non-empty field of `names` (gateways spell them differently).
std::string Field(const std::map<std::string, std::string>& f,
                  std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = f.find(n);
    if (it != f.end() && !it->second.empty()) return it->second;
  }
  return "";
}

// "203.0.113.7:5301" / "[2001:db8::1]:5301" -> the address.
std::string RemoteIp(const std::string& remote) {
  std::string host = remote.substr(0, remote.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

// The reply to an SMS answer: says what happened, names nobody.
std::string SmsReply(const AnswerResult& r, bool accept) {
  if (r.outcome == AnswerOutcome::kNoLongerNeeded) {
    return "Thank you: you are no longer needed for this call-out; no need to come.";
  }
  return accept ? "Thank you: you are confirmed. Your call-out message has the details."
                : "Thank you: your answer is recorded; you are not expected.";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> ParseFields(const std::string& content_type,
                                               const std::string& body) {
  if (content_type.find("json") == std::string::npos) return http::ParseFormUrlEncoded(body);
  std::map<std::string, std::string> out;
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  for (auto& [k, v] : j.items()) {
    if (v.is_string()) {
      out[k] = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      out[k] = v.dump();
    }
  }
  return out;
}

void AnswerPages::Install(http::HttpServer& server) {
  auto handler = [this](const http::Request& req) { return Handle(req); };
  server.Handle("GET", "/r/*", handler);
  server.Handle("POST", "/r/*", handler);
  server.Handle("POST", "/sms/inbound", handler);
  server.Handle("POST", "/sms/receipt", handler);
}

http::Response AnswerPages::Handle(const http::Request& req) {
  if (req.path.starts_with("/r/")) return Link(req);
  if (req.path == "/sms/inbound") return SmsInbound(req);
  if (req.path == "/sms/receipt") return SmsReceipt(req);
  return Text(404, "not found");
}

http::Response AnswerPages::Link(const http::Request& req) {
  // /r/<token>/<accept|decline>
  std::string_view rest = std::string_view(req.path).substr(3);
  size_t slash = rest.find('/');
  std::string token(rest.substr(0, slash));
  std::string verb = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  bool accept = verb == "accept";
  if (!ValidToken(token) || (!accept && verb != "decline")) {
    return Page(404, "Link not recognised",
                "<p>This link is not valid. Please use the link in your message exactly as "
                "sent.</p>");
  }
  if (req.method == "GET" || req.method == "HEAD") {
    // The same 404 as a POST would get for a token that answers nothing.
    if (!dispatcher_.KnowsAnswerToken(token)) return NotRecognised();
    // Never answer on GET: link previews and scanners fetch links.
    return Page(200, accept ? "Confirm: I can help" : "Confirm: I cannot help",
                fmt::format("<p>Press the button to send your answer.</p>"
                            "<form method=\"post\"><button type=\"submit\">{}</button></form>",
                            accept ? "Yes, I can help" : "No, I cannot help"));
  }
  if (req.method != "POST") return Text(405, "method not allowed");
  AnswerRequest a;
  a.token = token;
  a.answer = accept ? AnswerKind::kAccept : AnswerKind::kDecline;
  a.via = "link";
  auto r = dispatcher_.Answer(a);
  if (!r.ok()) {
    if (r.status().code() == Code::kNotFound) return NotRecognised();
    spdlog::error("answer link: {}", r.status().ToString());
    return Page(500, "Sorry", "<p>Your answer could not be recorded. Please try again.</p>");
  }
  const char* title = r->outcome == AnswerOutcome::kNoLongerNeeded ? "No longer needed"
                      : accept                                     ? "Thank you: confirmed"
                                                                   : "Thank you: answer recorded";
  return Page(200, title, "<p>" + HtmlEscape(r->message) + "</p>");
}

const notify::SmsCallbackCheck* AnswerPages::FromGateway(const http::Request& req) const {
  for (const auto& check : options_.sms_callbacks) {
    notify::SmsCallbackRequest c;
    c.url = options_.public_url + req.target;
    c.content_type = req.Header("content-type");
    c.body = req.body;
    c.signature = req.Header(check.header);
    c.remote_ip = RemoteIp(req.remote_address);
    if (notify::SmsCallbackAllowed(check, c)) return &check;
  }
  // Not logged above debug: anyone can send these, and must not fill the log.
  spdlog::debug("sms callback {} from {} refused: no configured gateway's check passes", req.path,
                RemoteIp(req.remote_address));
  return nullptr;
}

http::Response AnswerPages::SmsInbound(const http::Request& req) {
  if (req.method != "POST") return Text(405, "method not allowed");
  const notify::SmsCallbackCheck* gateway = FromGateway(req);
  if (gateway == nullptr) return Text(403, "forbidden");
  // Twilio relays a TwiML <Message>; other gateways take the plain text.
  auto reply = [gateway](std::string text) {
    if (gateway->signature != notify::SmsCallbackCheck::Signature::kTwilio) {
      return Text(200, std::move(text));
    }
    http::Response r = Text(200, "");
    r.content_type = "application/xml";
    r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + HtmlEscape(text) +
             "</Message></Response>\n";
    return r;
  };
  auto f = ParseFields(req.Header("content-type"), req.body);
  std::string from = Field(f, {"from", "From", "msisdn"});
  if (from.empty()) return Text(400, "from is required");
  std::string text = Field(f, {"text", "Body", "body"});
  auto r = dispatcher_.AnswerFromPhone(from, text);
  // The gateway relays the reply to the sender: the same words whether or
  // not the number is on the roster, and no names.
  if (!r.ok()) {
    if (r.status().code() == Code::kInvalidArgument) {
      return reply("Please reply YES if you can help or NO if you cannot.");
    }
    if (r.status().code() == Code::kNotFound) {
      return reply("There is no call-out waiting for your answer.");
    }
    spdlog::error("sms answer: {}", r.status().ToString());
    return Text(500, "error");
  }
  return reply(SmsReply(*r, r->callout.state == CalloutState::kAccepted));
}

http::Response AnswerPages::SmsReceipt(const http::Request& req) {
  if (req.method != "POST") return Text(405, "method not allowed");
  if (!FromGateway(req)) return Text(403, "forbidden");
  auto f = ParseFields(req.Header("content-type"), req.body);
  std::string ref = Field(f, {"reference"});
  if (ref.empty() && req.query.count("reference")) ref = req.query.at("reference");
  if (ref.empty()) return Text(400, "reference is required");
  std::string status = Field(f, {"status", "MessageStatus", "SmsStatus"});
  for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto receipt = ParseReceiptStatus(status);
  if (!receipt) return Text(200, "ignored");  // intermediate states
  auto st = dispatcher_.Receipt(ref, *receipt, f["error"].empty() ? status : f["error"]);
  if (!st.ok()) return Text(st.code() == Code::kNotFound ? 404 : 500, st.message());
  return Text(200, "ok");
}

}  // namespace muster::dispatch

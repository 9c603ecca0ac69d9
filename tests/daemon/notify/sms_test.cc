#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include "notify/sms_notifier.h"
#include "notify_test_util.h"
#include "support/http_sink.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;
using muster::testing::HttpSink;
using muster::testing::SinkResponse;

namespace {

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    std::string pair =
        body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    size_t eq = pair.find('=');
    out[UrlDecode(pair.substr(0, eq))] =
        eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("sms JSON template escapes values and reads the provider id") {
  HttpSink sink;
  sink.SetHandler([](const muster::testing::RecordedRequest&) {
    return SinkResponse{201, R"({"data":{"id":"gw-000123","status":"queued"}})",
                        "application/json"};
  });
  boost::asio::io_context ioc;
  auto n = Make(Spec("sms_a", "sms",
                     {{"url", sink.url("/v1/messages")},
                      {"auth_header", std::string("Authorization: Bearer tok-1")},
                      {"id_field", std::string("data.id")}}),
                ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  m.receipt_reference = "9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f60";
  m.text = "Say \"yes\" \\ or no\nnext line\ttab – Ünïcode";
  SendResult r = SendAndWait(*n, ioc, m);
  CHECK(r.outcome == SendOutcome::kSent);
  CHECK(r.provider_id == "gw-000123");

  auto reqs = sink.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].target == "/v1/messages");
  CHECK(reqs[0].Header("Authorization") == "Bearer tok-1");
  CHECK(reqs[0].Header("Content-Type") == "application/json");
  auto j = nlohmann::json::parse(reqs[0].body);  // throws if escaping broke the JSON
  CHECK(j["to"] == "+447700900123");
  CHECK(j["text"] == m.text);
  // The gateway's reference is the unguessable receipt reference, never the
  // idempotency key (which names activation and reservist).
  CHECK(j["reference"] == m.receipt_reference);
  CHECK(reqs[0].body.find("co-42-7f3a") == std::string::npos);
}

TEST_CASE("sms form template URL-encodes values") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n =
      Make(Spec("sms_b", "sms",
                {{"url", sink.url("/send")},
                 {"method", std::string("PUT")},
                 {"content_type", std::string("application/x-www-form-urlencoded")},
                 {"body_template", std::string("To={to}&Body={text}&Ref={reference}&S={subject}")},
                 {"headers", std::vector<std::string>{"X-Api-Key: k1"}}}),
           ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  m.receipt_reference = "9f2c4e1a7b3d5c6e8f0a1b2c3d4e5f60-standdown";
  m.text = "a&b=c d/é?";
  SendResult r = SendAndWait(*n, ioc, m);
  CHECK(r.outcome == SendOutcome::kSent);
  CHECK(r.provider_id.empty());
  auto reqs = sink.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "PUT");
  CHECK(reqs[0].Header("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(reqs[0].Header("X-Api-Key") == "k1");
  CHECK_THAT(reqs[0].body, Catch::StartsWith("To=%2B447700900123&Body=a%26b%3Dc%20d%2F%C3%A9%3F&"));
  auto form = ParseForm(reqs[0].body);
  CHECK(form.size() == 4);
  CHECK(form["To"] == "+447700900123");
  CHECK(form["Body"] == m.text);
  CHECK(form["Ref"] == m.receipt_reference);
  CHECK(form["S"] == m.subject);
}

TEST_CASE("sms gateway failures map like webhook") {
  HttpSink sink;
  boost::asio::io_context ioc;
  auto n = Make(Spec("sms_a", "sms", {{"url", sink.url()}}), ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  sink.FailNext(502, 1);
  SendResult r = SendAndWait(*n, ioc, m);
  CHECK(r.outcome == SendOutcome::kRetry);
  CHECK(r.detail == "HTTP 502 Bad Gateway");
  sink.FailNext(400, 1);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kPermanent);
  CHECK(SendAndWait(*n, ioc, m).outcome == SendOutcome::kSent);
}

TEST_CASE("sms template rendering and JSON field extraction") {
  Message m = SampleMessage(ChannelKind::kSms, "+44 7700");
  CHECK(RenderSmsTemplate("{to}|{unknown}|{", m, true) == "%2B44%207700|{unknown}|{");
  CHECK(UnknownSmsPlaceholder(R"({"to":"{to}","x":"{nope}"})") == "nope");
  CHECK(UnknownSmsPlaceholder(R"({"to":"{to}"})").empty());
  CHECK(ExtractJsonField(R"({"id":42})", "id") == "42");
  CHECK(ExtractJsonField(R"({"a":{"b":"x"}})", "a.b") == "x");
  CHECK(ExtractJsonField("not json", "id").empty());
  CHECK(ExtractJsonField(R"({"a":1})", "a.b").empty());
}

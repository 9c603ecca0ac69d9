// SMS gateway callback checks: signatures as gateways compute them (vectors
// from an independent implementation), source networks, and the settings.
#include "notify/sms_callback.h"

#include <catch2/catch.hpp>

#include "notify_test_util.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;

namespace {

SmsCallbackCheck Check(std::map<std::string, SettingValue> settings) {
  settings["url"] = std::string("https://gw.example/send");
  auto checks = SmsCallbackChecks({Spec("gw", "sms", std::move(settings))});
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 1);
  return checks->front();
}

}  // namespace

TEST_CASE("sms callbacks: the Twilio signature matches Twilio's documented example") {
  // URL, then each POST parameter name and value sorted by name; HMAC-SHA1
  // under the auth token; base64.
  CHECK(TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
                        "To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B12349013030&"
                        "Digits=1234&From=%2B12349013030") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  SmsCallbackCheck twilio = Check(
      {{"callback_signature", std::string("twilio")}, {"callback_secret", std::string("12345")}});
  CHECK(twilio.header == "x-twilio-signature");
  SmsCallbackRequest req;
  req.url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  req.content_type = "application/x-www-form-urlencoded";
  req.body =
      "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%"
      "2B18005551212";
  req.signature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
  req.remote_ip = "198.51.100.7";
  CHECK(SmsCallbackAllowed(twilio, req));
  req.body += "&Body=YES";  // a parameter added in transit
  CHECK_FALSE(SmsCallbackAllowed(twilio, req));
  // A body that is not a form is not covered by the signature: refused, even
  // with a signature valid for the URL alone.
  SmsCallbackRequest json = req;
  json.content_type = "application/json";
  json.body = R"({"from":"+447700900001","text":"YES"})";
  json.signature = TwilioSignature("12345", json.url, "");
  CHECK_FALSE(SmsCallbackAllowed(twilio, json));
  json.body.clear();
  CHECK(SmsCallbackAllowed(twilio, json));
}

TEST_CASE("sms callbacks: the generic HMAC-SHA256 signature over the raw body") {
  const std::string body = R"({"from":"+447700900002","text":"yes"})";
  const std::string mac = "97e4c03642ba30ae8eaaae8f6d255318cc5da1ec963d869a64eddb3fbacb553f";
  CHECK(HmacSha256Signature("s3cret", body) == mac);
  SmsCallbackCheck generic = Check({{"callback_signature", std::string("hmac-sha256")},
                                    {"callback_secret", std::string("s3cret")}});
  CHECK(generic.header == "x-muster-signature");
  SmsCallbackRequest req;
  req.body = body;
  req.remote_ip = "198.51.100.7";
  req.signature = mac;
  CHECK(SmsCallbackAllowed(generic, req));
  req.signature = "sha256=" + mac;
  CHECK(SmsCallbackAllowed(generic, req));
  req.signature = "";
  CHECK_FALSE(SmsCallbackAllowed(generic, req));
  req.signature = HmacSha256Signature("other", body);
  CHECK_FALSE(SmsCallbackAllowed(generic, req));
  req.signature = mac;
  req.body = R"({"from":"+447700900003","text":"yes"})";
  CHECK_FALSE(SmsCallbackAllowed(generic, req));
}

TEST_CASE("sms callbacks: source networks must match as well as the signature") {
  SmsCallbackCheck check =
      Check({{"callback_signature", std::string("hmac-sha256")},
             {"callback_secret", std::string("k")},
             {"callback_allow_from",
              std::vector<std::string>{"203.0.113.0/24", "2001:db8::/32", "198.51.100.9"}}});
  SmsCallbackRequest req;
  req.body = "from=1&text=yes";
  req.signature = HmacSha256Signature("k", req.body);
  for (const char* ip :
       {"203.0.113.1", "203.0.113.254", "2001:db8::1", "198.51.100.9", "::ffff:203.0.113.5"}) {
    INFO(ip);
    req.remote_ip = ip;
    CHECK(SmsCallbackAllowed(check, req));
  }
  for (const char* ip : {"203.0.114.1", "198.51.100.10", "2001:db9::1", "127.0.0.1", "junk", ""}) {
    INFO(ip);
    req.remote_ip = ip;
    CHECK_FALSE(SmsCallbackAllowed(check, req));
  }
  SmsCallbackCheck unsigned_check =
      Check({{"callback_signature", std::string("none")},
             {"callback_allow_from", std::vector<std::string>{"10.0.0.0/8"}}});
  req.signature = "";
  req.remote_ip = "10.20.30.40";
  CHECK(SmsCallbackAllowed(unsigned_check, req));
  req.remote_ip = "11.0.0.1";
  CHECK_FALSE(SmsCallbackAllowed(unsigned_check, req));
}

TEST_CASE("sms callbacks: settings are checked by name, and none configured means none") {
  auto fails = [](std::map<std::string, SettingValue> settings, const std::string& field) {
    settings["url"] = std::string("https://gw.example/send");
    auto checks = SmsCallbackChecks({Spec("gw", "sms", std::move(settings))});
    INFO(checks.status().ToString());
    CHECK_FALSE(checks.ok());
    CHECK(checks.status().field() == field);
  };
  fails({{"callback_signature", std::string("md5")}}, "notifiers.gw.callback_signature");
  fails({{"callback_signature", std::string("hmac-sha256")}}, "notifiers.gw.callback_secret");
  fails({{"callback_signature", std::string("none")}}, "notifiers.gw.callback_allow_from");
  fails({{"callback_secret", std::string("k")}}, "notifiers.gw.callback_signature");
  fails({{"callback_signature", std::string("twilio")},
         {"callback_secret", std::string("k")},
         {"callback_allow_from", std::vector<std::string>{"10.0.0.0/33"}}},
        "notifiers.gw.callback_allow_from");
  // The sms backend itself refuses the same settings at start-up.
  boost::asio::io_context ioc;
  auto factory = FindNotifierFactory("sms");
  REQUIRE(factory);
  auto made = factory(Spec("gw", "sms",
                           {{"url", std::string("https://gw.example/send")},
                            {"callback_signature", std::string("hmac-sha256")}}),
                      ioc.get_executor());
  CHECK(made.status().field() == "notifiers.gw.callback_secret");
  auto good = factory(Spec("gw", "sms",
                           {{"url", std::string("https://gw.example/send")},
                            {"callback_signature", std::string("twilio")},
                            {"callback_secret", std::string("k")}}),
                      ioc.get_executor());
  CHECK(good.ok());
  // Other backends' tables and sms tables without callback settings add no check.
  auto none =
      SmsCallbackChecks({Spec("log", "log"),
                         Spec("plain", "sms", {{"url", std::string("https://gw.example/send")}})});
  REQUIRE(none.ok());
  CHECK(none->empty());
}

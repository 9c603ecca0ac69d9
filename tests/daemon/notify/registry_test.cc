#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>
#include <sstream>

#include "notify/log_notifier.h"
#include "notify/notifier.h"
#include "notify_test_util.h"

using namespace muster;
using namespace muster::notify;
using namespace muster::notify::testutil;

TEST_CASE("registry lists every backend type, sorted") {
  CHECK(NotifierTypes() == std::vector<std::string>{"email", "exec", "log", "sms", "webhook"});
  for (const auto& t : NotifierTypes()) CHECK(FindNotifierFactory(t) != nullptr);
  CHECK(FindNotifierFactory("pager") == nullptr);
}

TEST_CASE("backend limits are parsed and errors name the key") {
  auto ok = ParseBackendLimits(Spec("sms_a", "sms",
                                    {{"concurrency", int64_t{8}},
                                     {"rate_per_second", 2.5},
                                     {"max_attempts", int64_t{3}},
                                     {"url", std::string("http://x/")}}));
  REQUIRE(ok.ok());
  CHECK(ok->concurrency == 8);
  CHECK(ok->rate_per_second == 2.5);
  CHECK(ok->max_attempts == 3);
  CHECK(ok->backoff_max_ms == BackendLimits{}.backoff_max_ms);

  auto bad = ParseBackendLimits(Spec("sms_a", "sms", {{"concurrency", int64_t{-3}}}));
  REQUIRE(!bad.ok());
  CHECK(bad.status().field() == "notifiers.sms_a.concurrency");
  CHECK(bad.status().message() == "expected an integer >= 1, got -3");

  auto wrong_type = ParseBackendLimits(Spec("w", "webhook", {{"max_attempts", std::string("5")}}));
  REQUIRE(!wrong_type.ok());
  CHECK(wrong_type.status().field() == "notifiers.w.max_attempts");
  CHECK(wrong_type.status().message() == "expected an integer >= 1, got a string");

  auto rate = ParseBackendLimits(Spec("w", "webhook", {{"rate_per_second", -1.0}}));
  REQUIRE(!rate.ok());
  CHECK(rate.status().field() == "notifiers.w.rate_per_second");
}

TEST_CASE("every backend rejects unknown keys but accepts the limit keys") {
  boost::asio::io_context ioc;
  std::map<std::string, std::map<std::string, SettingValue>> valid = {
      {"log", {}},
      {"webhook", {}},
      {"sms", {{"url", std::string("http://127.0.0.1:9/sms")}}},
      {"email", {{"host", std::string("127.0.0.1")}, {"from", std::string("muster@example.org")}}},
      {"exec", {{"program", std::string("/bin/true")}}},
  };
  for (auto [type, settings] : valid) {
    INFO(type);
    settings["concurrency"] = int64_t{4};
    settings["breaker_failures"] = int64_t{2};
    auto good = FindNotifierFactory(type)(Spec("n1", type, settings), ioc.get_executor());
    INFO(good.status().ToString());
    CHECK(good.ok());
    settings["colour"] = std::string("blue");
    auto bad = FindNotifierFactory(type)(Spec("n1", type, settings), ioc.get_executor());
    REQUIRE(!bad.ok());
    CHECK(bad.status().field() == "notifiers.n1.colour");
  }
}

TEST_CASE("backend config errors name the key") {
  boost::asio::io_context ioc;
  auto check = [&](const std::string& type, std::map<std::string, SettingValue> settings,
                   const std::string& field, const std::string& words) {
    auto r = FindNotifierFactory(type)(Spec("x", type, std::move(settings)), ioc.get_executor());
    INFO(type << " " << field);
    REQUIRE(!r.ok());
    CHECK(r.status().field() == field);
    CHECK_THAT(r.status().message(), Catch::Contains(words));
  };
  check("sms", {}, "notifiers.x.url", "is required");
  check("sms", {{"url", std::string("ftp://a/")}}, "notifiers.x.url", "http://");
  check("sms", {{"url", std::string("http://a/")}, {"content_type", std::string("text/xml")}},
        "notifiers.x.content_type", "expected one of");
  check("sms", {{"url", std::string("http://a/")}, {"body_template", std::string("{to}{msg}")}},
        "notifiers.x.body_template", "{msg}");
  check("webhook", {{"timeout_ms", std::string("10")}}, "notifiers.x.timeout_ms",
        "expected an integer");
  check("webhook", {{"pipeline", int64_t{0}}}, "notifiers.x.pipeline", "got 0");
  check("sms", {{"url", std::string("http://a/")}, {"pipeline", int64_t{65}}},
        "notifiers.x.pipeline", "got 65");
  check("webhook", {{"headers", std::vector<std::string>{"no colon"}}}, "notifiers.x.headers",
        "Name: value");
  check("webhook", {{"ca_file", std::string("/nonexistent.pem")}}, "notifiers.x.ca_file",
        "cannot load");
  check("email", {{"host", std::string("h")}}, "notifiers.x.from", "is required");
  check("email", {{"host", std::string("h")}, {"from", std::string("a@b")}, {"port", int64_t{0}}},
        "notifiers.x.port", "got 0");
  check("email",
        {{"host", std::string("h")},
         {"from", std::string("a@b")},
         {"starttls", std::string("off")},
         {"username", std::string("u")},
         {"password", std::string("p")}},
        "notifiers.x.starttls", "TLS");
  check("exec", {{"program", std::string("notify.sh")}}, "notifiers.x.program", "absolute");
  check("exec", {{"program", std::string("/bin/true")}, {"args", std::string("-v")}},
        "notifiers.x.args", "array");
}

TEST_CASE("log backend delivers and keeps contact data out of info lines") {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto logger = std::make_shared<spdlog::logger>("notify-test", sink);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::info);

  boost::asio::io_context ioc;
  auto n = Make(Spec("log", "log"), ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  SendResult r = SendAndWait(*n, ioc, m);
  spdlog::set_default_logger(previous);

  CHECK(r.outcome == SendOutcome::kDelivered);
  std::string text = stream->str();
  CHECK_THAT(text, Catch::Contains("co-42-7f3a"));
  CHECK_THAT(text, Catch::Contains("reservist=1007"));
  CHECK_THAT(text, Catch::Contains("channel=sms"));
  CHECK_THAT(text, !Catch::Contains("http://x/a/1"));  // links are redacted at info
  CHECK_THAT(text, !Catch::Contains("+447700900123"));
  CHECK_THAT(text, !Catch::Contains("Alex Example"));
}

TEST_CASE("log backend redacts answer-link tokens at info and logs them whole at debug") {
  auto stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream);
  auto logger = std::make_shared<spdlog::logger>("notify-test", sink);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  boost::asio::io_context ioc;
  auto n = Make(Spec("log", "log"), ioc);
  Message m = SampleMessage(ChannelKind::kSms, "+447700900123");
  m.accept_url = "https://muster.example.org/r/0123456789abcdef0123456789abcdef/accept";
  m.decline_url = "https://muster.example.org/r/0123456789abcdef0123456789abcdef/decline";

  spdlog::set_level(spdlog::level::info);
  SendAndWait(*n, ioc, m);
  std::string info = stream->str();
  stream->str("");
  spdlog::set_level(spdlog::level::debug);
  SendAndWait(*n, ioc, m);
  std::string debug = stream->str();
  spdlog::set_default_logger(previous);
  spdlog::set_level(spdlog::level::info);

  CHECK_THAT(info, !Catch::Contains("0123456789abcdef"));
  CHECK_THAT(info, Catch::Contains("accept=https://muster.example.org/r/<redacted>/accept"));
  CHECK_THAT(info, Catch::Contains("decline=https://muster.example.org/r/<redacted>/decline"));
  CHECK_THAT(debug, Catch::Contains(m.accept_url));
  CHECK(RedactAnswerLink("") == "-");
  CHECK(RedactAnswerLink("http://x/a/1") == "http://x/<redacted>");
  CHECK(RedactAnswerLink("http://x") == "http://x");
}

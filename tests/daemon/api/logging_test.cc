// Logging set-up: JSON lines and text formats, request ids, escaping.
#include "server/logging.h"

#include <fcntl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "api/auth_guard.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

// A logger named "musterd" writing through `format`'s formatter into `out`.
std::shared_ptr<spdlog::logger> CaptureLogger(const std::string& format, std::ostringstream& out) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(logging::MakeLogFormatter(format));
  auto logger = std::make_shared<spdlog::logger>("musterd", sink);
  logger->set_level(spdlog::level::trace);
  return logger;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("json log lines are one valid object each with escaped message and request id") {
  std::ostringstream out;
  auto logger = CaptureLogger("json", out);
  logger->info("plain");
  {
    logging::ScopedRequestId outer("req-1");
    logger->warn("quote \" backslash \\ newline \n tab \t bell \x07 pound \xc2\xa3 bad \xff end");
    {
      logging::ScopedRequestId inner("req-2");
      logger->error("inner");
    }
    logger->debug("outer again");
  }
  logger->info("after");

  auto lines = Lines(out.str());
  REQUIRE(lines.size() == 5);
  std::vector<nlohmann::json> objs;
  for (const auto& line : lines) objs.push_back(nlohmann::json::parse(line));  // throws if invalid

  std::regex ts(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  for (const auto& o : objs) {
    CHECK(std::regex_match(o.at("ts").get<std::string>(), ts));
    CHECK(o.at("logger") == "musterd");
  }
  CHECK(objs[0].at("level") == "info");
  CHECK(objs[0].at("msg") == "plain");
  CHECK_FALSE(objs[0].contains("request_id"));
  CHECK(objs[1].at("level") == "warn");
  CHECK(objs[1].at("msg") ==
        "quote \" backslash \\ newline \n tab \t bell \x07 pound \xc2\xa3 bad \xef\xbf\xbd end");
  CHECK(objs[1].at("request_id") == "req-1");
  CHECK(objs[2].at("level") == "error");
  CHECK(objs[2].at("request_id") == "req-2");
  CHECK(objs[3].at("level") == "debug");
  CHECK(objs[3].at("request_id") == "req-1");
  CHECK_FALSE(objs[4].contains("request_id"));
}

TEST_CASE("text log lines keep the old style and show the request id") {
  std::ostringstream out;
  auto logger = CaptureLogger("text", out);
  logger->info("no id");
  {
    logging::ScopedRequestId id("abc123");
    logger->info("with id");
  }
  auto lines = Lines(out.str());
  REQUIRE(lines.size() == 2);
  std::regex plain(R"(\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[musterd\] \[info\] no id)");
  std::regex with(
      R"(\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[musterd\] \[info\] \[req abc123\] with id)");
  CHECK(std::regex_match(lines[0], plain));
  CHECK(std::regex_match(lines[1], with));
}

TEST_CASE("request ids are per thread") {
  logging::ScopedRequestId id("main-thread");
  std::string seen = "unset";
  std::thread([&] { seen = logging::CurrentRequestId(); }).join();
  CHECK(seen.empty());
  CHECK(logging::CurrentRequestId() == "main-thread");
  std::string a = api::NewRequestId(), b = api::NewRequestId();
  CHECK(std::regex_match(a, std::regex("[0-9a-f]{32}")));
  CHECK(a != b);
}

TEST_CASE("SetupLogging validates its arguments and installs a json stderr logger") {
  auto bad_level = logging::SetupLogging("loud", "text");
  CHECK(bad_level.code() == Code::kInvalidArgument);
  CHECK(bad_level.field() == "log.level");
  auto bad_format = logging::SetupLogging("info", "xml");
  CHECK(bad_format.code() == Code::kInvalidArgument);
  CHECK(bad_format.field() == "log.format");

  // Send stderr to a file for the duration.
  testing::TempDir dir;
  std::string path = dir.File("stderr.log");
  std::fflush(stderr);
  int saved = dup(2);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  dup2(fd, 2);
  close(fd);
  REQUIRE(logging::SetupLogging("info", "json").ok());
  spdlog::debug("hidden at info level");
  {
    logging::ScopedRequestId id("r-9");
    spdlog::info("shown {}", 42);
  }
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  REQUIRE(logging::SetupLogging("info", "text").ok());  // back to normal for other tests

  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  auto lines = Lines(content.str());
  REQUIRE(lines.size() == 1);
  auto o = nlohmann::json::parse(lines[0]);
  CHECK(o.at("msg") == "shown 42");
  CHECK(o.at("level") == "info");
  CHECK(o.at("logger") == "musterd");
  CHECK(o.at("request_id") == "r-9");
  CHECK(spdlog::default_logger()->name() == "musterd");
}

TEST_CASE("printable escapes line breaks and control characters and bounds the length") {
  using muster::logging::Printable;
  CHECK(Printable("plain text") == "plain text");
  CHECK(Printable("a\nb\rc\td\x1b[31m") == "a\\nb\\rc\\td\\x1b[31m");
  CHECK(Printable("caf\xc3\xa9") == "caf\xc3\xa9");     // valid UTF-8 is kept
  CHECK(Printable("bad\xff byte") == "bad\\xff byte");  // invalid bytes are escaped
  std::string long_text(10000, 'x');
  std::string cut = Printable(long_text, 100);
  CHECK(cut == std::string(100, 'x') + "...(+9900 bytes)");
  // Never cut inside a UTF-8 sequence.
  std::string e_acute = "\xc3\xa9";
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += e_acute;
  CHECK(Printable(accents, 5) == e_acute + e_acute + "...(+16 bytes)");
}

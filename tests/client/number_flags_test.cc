// Numbers on the musterctl command line are range-checked, never wrapped.
#include "number_flags.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "activation_flags.h"
#include "app.h"
#include "exit_code.h"

namespace muster::client {
namespace {

struct Run {
  int code = -1;
  std::string err;
};

// musterctl with no server: every case here must fail before connecting.
Run Usage(std::vector<std::string> args) {
  std::vector<const char*> argv = {"musterctl"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::istringstream in;
  RunEnvironment env;
  env.out = &out;
  env.err = &err;
  env.in = &in;
  Run run;
  run.code = RunMusterctl(static_cast<int>(argv.size()), argv.data(), env);
  run.err = err.str();
  return run;
}

TEST_CASE("whole numbers are plain decimal and inside their range", "[client][flags]") {
  CHECK(CheckWholeNumber("1", 1, 10).empty());
  CHECK(CheckWholeNumber("10", 1, 10).empty());
  CHECK(CheckWholeNumber("-3", -5, 5).empty());
  CHECK(CheckWholeNumber("9223372036854775807", 1, kMaxId).empty());
  CHECK(CheckWholeNumber("11", 1, 10) == "'11' is out of range [1, 10]");
  CHECK(CheckWholeNumber("0", 1, 10) == "'0' is out of range [1, 10]");
  CHECK(CheckWholeNumber("9223372036854775808", 1, kMaxId) ==
        "'9223372036854775808' is out of range [1, 9223372036854775807]");
  CHECK(CheckWholeNumber("4294967297", 1, 2147483647) ==
        "'4294967297' is out of range [1, 2147483647]");
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1.0", "x", "--1"}) {
    INFO(bad);
    CHECK(CheckWholeNumber(bad, 1, 10).find("is not a whole number in [1, 10]") !=
          std::string::npos);
  }
}

TEST_CASE("a whole-number flag with leading zeros is read as decimal, not octal",
          "[client][flags]") {
  CLI::Validator check = WholeNumberIn(1, 100);
  std::string text = "010";
  CHECK(check(text).empty());
  CHECK(text == "10");
}

TEST_CASE("decimal numbers are finite and inside their range", "[client][flags]") {
  CHECK(CheckNumber("1.5", 0, 720).empty());
  CHECK(CheckNumber("720", 0, 720).empty());
  CHECK(CheckNumber("1e2", 0, 720).empty());
  CHECK(CheckNumber("0", 0, 720) == "'0' is out of range (0, 720]");
  CHECK(CheckNumber("720.5", 0, 720) == "'720.5' is out of range (0, 720]");
  CHECK(CheckNumber("1e400", 0, 720) == "'1e400' is out of range (0, 720]");
  for (const char* bad : {"", "nan", "inf", "-inf", "0x10", "1,5", "12h", " 1"}) {
    INFO(bad);
    CHECK(CheckNumber(bad, 0, 720).find("is not a number in (0, 720]") != std::string::npos);
  }
}

TEST_CASE("a need count or level beyond int32 is refused, not wrapped", "[client][flags]") {
  v1::Requirement r;
  Status st = ParseNeed("welfare:4294967297", &r);
  CHECK(st.field() == "--need");
  CHECK(st.message().find("has a count above 2147483647") != std::string::npos);
  st = ParseNeed("welfare:99999999999999999999", &r);
  CHECK(st.message().find("has a count above 2147483647") != std::string::npos);
  st = ParseNeed("welfare:4294967298:3", &r);
  CHECK(st.message().find("has a level above 2147483647") != std::string::npos);
  REQUIRE(ParseNeed("welfare:2147483647", &r).ok());
  CHECK(r.count() == 2147483647);
}

TEST_CASE("numeric flags and arguments out of range are usage errors naming the value",
          "[client][flags]") {
  const std::vector<std::string> activate = {"activate",  "--title", "t",          "--at",
                                             "51.9,-2.1", "--need",  "first_aid:1"};
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<Case> cases = {
      {{"activation", "show", "010x"}, "'010x' is not a whole number"},
      {{"activation", "show", "0x10"}, "'0x10' is not a whole number"},
      {{"activation", "show", "99999999999999999999"}, "out of range"},
      {{"activation", "cancel", "-4"}, "'-4' is not a whole number"},
      {{"activation", "list", "--limit", "4294967297"}, "'4294967297' is out of range [1, 500]"},
      {{"explain", "1", "4294967297x"}, "not a whole number"},
      {{"watch", "1", "--events", "4294967297"}, "out of range [0, 200]"},
      {{"answer", "--activation", "1", "--reservist", "0", "accept"}, "'0' is out of range"},
      {{"stand-down", "18446744073709551617"}, "out of range"},
      {{"reservist", "list", "--limit", "4294967297"}, "'4294967297' is out of range"},
      {{"roster", "import", "-", "--chunk-rows", "65537x"}, "not a whole number"},
      {{"audit", "--limit", "0"}, "'0' is out of range [1, 1000000]"},
      {{"--timeout", "1e300", "skill", "list"}, "'1e300' is out of range (0, 86400]"},
      {{"--timeout", "nan", "skill", "list"}, "'nan' is not a number"},
      {{"skill", "add", "x", "--name", "X", "--min-level", "011"}, "'011' is out of range [1, 10]"},
      {{"skill", "add", "x", "--name", "X", "--max-level", "0x5"}, "'0x5' is not a whole number"},
  };
  std::vector<std::string> hours = activate;
  hours.insert(hours.end(), {"--radius", "10", "--hours", "4e9"});
  cases.push_back({hours, "--hours: '4e+09' is out of range"});
  std::vector<std::string> radius = activate;
  radius.insert(radius.end(), {"--radius", "inf", "--hours", "2"});
  cases.push_back({radius, "'inf' is not a finite number"});
  std::vector<std::string> at = {"preview",     "--title",  "t",  "--at",    "nan,-2.1", "--need",
                                 "first_aid:1", "--radius", "10", "--hours", "2"};
  cases.push_back({at, "--at: 'nan,-2.1': lat"});
  std::vector<std::string> need = {
      "preview",  "--title", "t",       "--at", "51.9,-2.1", "--need", "welfare:4294967297",
      "--radius", "10",      "--hours", "2"};
  cases.push_back({need, "has a count above 2147483647"});
  for (const Case& c : cases) {
    INFO(fmt::format("{}", fmt::join(c.args, " ")));
    Run run = Usage(c.args);
    INFO(run.err);
    CHECK(run.code == kExitUsage);
    CHECK(run.err.find(c.says) != std::string::npos);
  }
}

}  // namespace
}  // namespace muster::client

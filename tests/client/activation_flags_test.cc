#include "activation_flags.h"

#include <catch2/catch.hpp>

using namespace muster;
using namespace muster::client;

TEST_CASE("the need flag parses SKILL, an optional MIN_LEVEL and COUNT", "[client][activation]") {
  v1::Requirement r;
  REQUIRE(ParseNeed("first_aid:12", &r).ok());
  CHECK(r.skill() == "first_aid");
  CHECK(r.min_level() == 0);
  CHECK(r.count() == 12);
  REQUIRE(ParseNeed("driver_4x4:2:4", &r).ok());
  CHECK(r.skill() == "driver_4x4");
  CHECK(r.min_level() == 2);
  CHECK(r.count() == 4);
  for (const char* bad : {"first_aid", ":3", "first_aid:x", "first_aid:0", "first_aid:x:3",
                          "first_aid:0:3", "first_aid:-1"}) {
    INFO(bad);
    Status st = ParseNeed(bad, &r);
    CHECK(st.field() == "--need");
    CHECK(st.message().find(bad) != std::string::npos);
  }
}

TEST_CASE("durations in minutes, m and h", "[client][activation]") {
  CHECK(ParseMinutes("15", "--answer-within").value() == 15);
  CHECK(ParseMinutes("15m", "--answer-within").value() == 15);
  CHECK(ParseMinutes("2h", "--answer-within").value() == 120);
  CHECK(ParseMinutes("1h30m", "--answer-within").value() == 90);
  for (const char* bad : {"", "0", "h", "15s", "1h30", "-5", "1.5h"}) {
    INFO(bad);
    CHECK(ParseMinutes(bad, "--answer-within").status().field() == "--answer-within");
  }
}

// Found by tests/fuzz/cli_flags_fuzz.cc (tests/fuzz/regressions/cli_flags/).
TEST_CASE("a duration gives each unit once, hours first, and the same bound in every form",
          "[client][activation]") {
  CHECK(ParseMinutes("0h5m", "--duration").value() == 5);
  CHECK(ParseMinutes("1000000", "--duration").value() == 1000000);
  CHECK(ParseMinutes("16666h40m", "--duration").value() == 1000000);
  for (const char* bad : {"1h030261h03m", "1h1h", "30m2h", "1h2m3m", "m", "h30m", "1m1m", "1000001",
                          "16666h41m", "20000h", "1h1000000m", "99999999999h"}) {
    INFO(bad);
    CHECK(ParseMinutes(bad, "--duration").status().field() == "--duration");
  }
}

TEST_CASE("start is now or an instant with an offset", "[client][activation]") {
  CHECK(ParseStart("now").value() == std::nullopt);  // the daemon's now
  CHECK(ParseStart("2026-11-25T18:00Z").value() == 1795629600);
  CHECK(ParseStart("2026-11-25T18:00:00+01:00").value() == 1795629600 - 3600);
  CHECK(ParseStart("2026-11-25T18:00").status().field() == "--start");
  CHECK(ParseStart("tomorrow").status().field() == "--start");
}

TEST_CASE("states and priorities by name", "[client][activation]") {
  CHECK(ParseActivationState("open").value() == v1::OPEN);
  CHECK(ParseActivationState("stood_down").value() == v1::STOOD_DOWN);
  CHECK_FALSE(ParseActivationState("closed").ok());
  CHECK(ActivationStateName(v1::CANCELLED) == "cancelled");
  CHECK(ParsePriority("emergency").value() == v1::EMERGENCY);
  CHECK_FALSE(ParsePriority("high").ok());
  CHECK(PriorityName(v1::ROUTINE) == "routine");
}

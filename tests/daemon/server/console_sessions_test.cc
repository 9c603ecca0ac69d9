#include "server/console_sessions.h"

#include <catch2/catch.hpp>
#include <set>

using namespace muster;

TEST_CASE("console sessions: unguessable ids, found by id only, signed out after idle time",
          "[server][console]") {
  ManualClock clock(1'000'000);
  ConsoleSessions sessions(clock, std::chrono::seconds(60));
  ConsoleSession a = sessions.Create("Bearer a", "alice", "planner", {"gloucestershire"});
  ConsoleSession b = sessions.Create("Bearer b", "bob", "viewer", {});
  CHECK(a.id.size() == 64);
  CHECK(a.csrf.size() == 64);
  CHECK(a.id != b.id);
  CHECK(a.id != a.csrf);
  CHECK(a.id.find_first_not_of("0123456789abcdef") == std::string::npos);
  auto found = sessions.Use(a.id);
  REQUIRE(found);
  CHECK(found->actor == "alice");
  CHECK(found->authorization == "Bearer a");
  CHECK(found->areas == std::vector<std::string>{"gloucestershire"});
  CHECK_FALSE(sessions.Use(a.id.substr(0, 63)));
  CHECK_FALSE(sessions.Use(""));
  // Use keeps a session alive; idleness ends it.
  clock.Advance(59'000);
  CHECK(sessions.Use(a.id));
  clock.Advance(59'000);
  CHECK(sessions.Use(a.id));        // 59 s after its last use
  CHECK_FALSE(sessions.Use(b.id));  // 118 s idle
  clock.Advance(60'001);
  CHECK_FALSE(sessions.Use(a.id));
  CHECK(sessions.size() == 0);
}

TEST_CASE("console sessions: sign-out, and the least recently used make room at the cap",
          "[server][console]") {
  ManualClock clock(0);
  ConsoleSessions sessions(clock, std::chrono::seconds(600), 2);
  ConsoleSession a = sessions.Create("", "a", "admin", {});
  clock.Advance(1000);
  ConsoleSession b = sessions.Create("", "b", "admin", {});
  clock.Advance(1000);
  CHECK(sessions.Use(a.id));  // a is now the more recently used
  clock.Advance(1000);
  ConsoleSession c = sessions.Create("", "c", "admin", {});
  CHECK(sessions.size() == 2);
  CHECK(sessions.Use(a.id));
  CHECK_FALSE(sessions.Use(b.id));
  CHECK(sessions.Use(c.id));
  CHECK(sessions.Remove(c.id));
  CHECK_FALSE(sessions.Remove(c.id));
  CHECK_FALSE(sessions.Use(c.id));
}

TEST_CASE("RandomHex32 gives distinct 64-hex-digit values", "[server][console]") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomHex32());
  CHECK(seen.size() == 100);
  for (const auto& s : seen) CHECK(s.size() == 64);
}

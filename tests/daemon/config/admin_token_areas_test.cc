// An admin token may not be scoped to areas: its backups and audit reads
// cover every area, so an area-scoped admin would read other areas'
// reservists through them.
#include <catch2/catch.hpp>

#include "config/config.h"

using namespace muster;

namespace {

constexpr const char* kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Result<DaemonConfig> WithToken(const char* role, const char* areas) {
  return ParseConfig(std::string("[[auth.tokens]]\nname = \"t\"\nsha256 = \"") + kSha +
                         "\"\nrole = \"" + role + "\"\nareas = " + areas + "\n",
                     "t.toml");
}

}  // namespace

TEST_CASE("an admin token scoped to areas is refused, naming the key", "[config][areas]") {
  auto scoped = WithToken("admin", R"(["gloucestershire"])");
  REQUIRE_FALSE(scoped.ok());
  CHECK(scoped.status().field() == "auth.tokens[0].areas");
  CHECK(scoped.status().message().find("national") != std::string::npos);
  CHECK(WithToken("admin", "[]").ok());
  CHECK(WithToken("roster-admin", R"(["gloucestershire"])").ok());
  CHECK(WithToken("planner", R"(["gloucestershire"])").ok());
}

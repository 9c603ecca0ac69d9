#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "auth/roles.h"
#include "auth/tokens.h"

using namespace muster;
using namespace muster::auth;

namespace {

// Every "/muster.v1.Service/Method" declared in proto/muster/v1/*.proto.
std::set<std::string> ProtoMethods() {
  std::set<std::string> out;
  std::regex service_re(R"(^\s*service\s+(\w+))"), rpc_re(R"(^\s*rpc\s+(\w+)\s*\()");
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(MUSTER_SOURCE_DIR) + "/proto/muster/v1")) {
    if (f.path().extension() != ".proto") continue;
    std::ifstream in(f.path());
    std::string line, service;
    std::smatch m;
    while (std::getline(in, line)) {
      if (std::regex_search(line, m, service_re)) service = m[1];
      if (std::regex_search(line, m, rpc_re))
        out.insert("/muster.v1." + service + "/" + std::string(m[1]));
    }
  }
  return out;
}

TokenConfig Token(std::string name, std::string token, std::string role) {
  TokenConfig t;
  t.name = std::move(name);
  t.sha256 = Sha256Hex(token);
  t.role = std::move(role);
  return t;
}

}  // namespace

TEST_CASE("every RPC in the protos has exactly one row in the role table") {
  std::set<std::string> table;
  for (const MethodRule& rule : MethodRules()) {
    INFO(rule.method);
    CHECK(table.insert(std::string(rule.method)).second);
  }
  std::set<std::string> protos = ProtoMethods();
  REQUIRE(protos.size() > 20);
  for (const auto& m : protos) {
    INFO("missing from daemon/auth/roles.cc: " << m);
    CHECK(table.count(m) == 1);
  }
  for (const auto& m : table) {
    INFO("in the table but in no proto: " << m);
    CHECK(protos.count(m) == 1);
  }
}

TEST_CASE("roles: reads for viewers, writes by kind, admin everything") {
  CHECK(RuleFor("/muster.v1.RosterService/ListReservists").required == Role::kViewer);
  // Reads of contact details are audited as reads (not recorded before they run).
  CHECK(RuleFor("/muster.v1.RosterService/ListReservists").audited);
  CHECK(RuleFor("/muster.v1.RosterService/ListReservists").personal_read);
  CHECK(RuleFor("/muster.v1.RosterService/ExportReservists").personal_read);
  CHECK(RuleFor("/muster.v1.RosterService/GetReservist").personal_read);
  CHECK_FALSE(RuleFor("/muster.v1.RosterService/ListSkills").audited);
  CHECK_FALSE(RuleFor("/muster.v1.RosterService/UpsertReservist").personal_read);
  CHECK(RuleFor("/muster.v1.RosterService/UpsertReservist").required == Role::kRosterAdmin);
  CHECK(RuleFor("/muster.v1.ActivationService/CreateActivation").required == Role::kPlanner);
  CHECK(RuleFor("/muster.v1.ActivationService/CreateActivation").audited);
  CHECK(RuleFor("/muster.v1.AdminService/Backup").required == Role::kAdmin);
  // Unknown methods need admin and are audited.
  CHECK(RuleFor("/muster.v1.RosterService/NewThing").required == Role::kAdmin);
  CHECK(RuleFor("/muster.v1.RosterService/NewThing").audited);

  CHECK(RoleAllows(Role::kPlanner, Role::kViewer));
  CHECK(RoleAllows(Role::kAdmin, Role::kPlanner));
  CHECK(RoleAllows(Role::kAdmin, Role::kRosterAdmin));
  CHECK_FALSE(RoleAllows(Role::kPlanner, Role::kRosterAdmin));
  CHECK_FALSE(RoleAllows(Role::kRosterAdmin, Role::kPlanner));
  CHECK_FALSE(RoleAllows(Role::kViewer, Role::kPlanner));
  CHECK_FALSE(RoleAllows(Role::kRosterAdmin, Role::kAdmin));
  for (Role r : {Role::kViewer, Role::kPlanner, Role::kRosterAdmin, Role::kAdmin}) {
    CHECK(ParseRole(RoleName(r)) == r);
  }
  CHECK_FALSE(ParseRole("root").has_value());
}

TEST_CASE("token hashing is SHA-256 hex and comparison needs equal strings") {
  // echo -n abc | sha256sum
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST_CASE("token checks: missing, malformed, unknown, wrong role, right role") {
  TokenAuthenticator auth({Token("ops-viewer", "v-secret", "viewer"),
                           Token("ops-planner", "p-secret", "planner"),
                           Token("ops-admin", "a-secret", "admin")});
  REQUIRE(auth.enabled());
  const std::string create = "/muster.v1.ActivationService/CreateActivation";

  Decision d = auth.Check(create, "");
  CHECK(d.status.code() == Code::kUnauthenticated);
  CHECK_THAT(d.status.message(), Catch::Contains("no bearer token"));

  d = auth.Check(create, "Basic dXNlcg==");
  CHECK(d.status.code() == Code::kUnauthenticated);

  d = auth.Check(create, "Bearer nope");
  CHECK(d.status.code() == Code::kUnauthenticated);
  CHECK_THAT(d.status.message(), Catch::Contains("not known"));

  d = auth.Check(create, "Bearer v-secret");
  CHECK(d.status.code() == Code::kPermissionDenied);
  CHECK(d.actor == "ops-viewer");
  CHECK_THAT(d.status.message(), Catch::Contains("needs role planner"));

  d = auth.Check(create, "Bearer p-secret");
  CHECK(d.status.ok());
  CHECK(d.actor == "ops-planner");
  CHECK(auth.Check(create, "bearer a-secret").status.ok());
  CHECK(auth.Check("/muster.v1.RosterService/GetReservist", "Bearer v-secret").status.ok());
  CHECK(auth.Check("/muster.v1.AdminService/Backup", "Bearer p-secret").status.code() ==
        Code::kPermissionDenied);
  // Health checks need no token.
  CHECK(auth.Check("/grpc.health.v1.Health/Check", "").status.ok());
}

TEST_CASE("with no tokens configured every call is the local admin") {
  TokenAuthenticator auth({});
  CHECK_FALSE(auth.enabled());
  Decision d = auth.Check("/muster.v1.AdminService/Backup", "");
  CHECK(d.status.ok());
  CHECK(d.actor == "local");
}

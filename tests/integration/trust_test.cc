// End to end: tokens and roles, TLS and mutual TLS, and the audit log,
// against the real musterd and musterctl. Certificates are made by the test
// with the openssl CLI (a CA, a server certificate for IP 127.0.0.1, a
// client certificate).
#include <sqlite3.h>

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "auth/tokens.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

struct TestToken {
  const char* name;
  const char* token;
  const char* role;
};
constexpr TestToken kTokens[] = {
    {"ops-viewer", "viewer-secret-1", "viewer"},
    {"ops-planner", "planner-secret-1", "planner"},
    {"ops-roster", "roster-secret-1", "roster-admin"},
    {"ops-admin", "admin-secret-1", "admin"},
};

std::string TokensToml() {
  std::string toml;
  for (const auto& t : kTokens) {
    toml += fmt::format("[[auth.tokens]]\nname = \"{}\"\nsha256 = \"{}\"\nrole = \"{}\"\n\n",
                        t.name, muster::Sha256Hex(t.token), t.role);
  }
  return toml;
}

// musterctl with explicit TLS/token flags.
CommandResult Ctl(const std::string& dir, const std::string& server, std::vector<std::string> flags,
                  std::vector<std::string> args) {
  std::vector<std::string> argv = {MUSTERCTL_PATH, "--server", server};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, dir);
}

std::vector<std::string> Token(const char* token) {
  return {"--token", token};
}

void Openssl(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  CommandResult r = Run(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// CA, server certificate (SAN IP:127.0.0.1) and client certificate (CN
// "field-laptop-7"), all in dir.
void MakeCertificates(const std::string& dir) {
  auto f = [&dir](const char* name) { return dir + "/" + name; };
  Openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=Muster Test CA", "-keyout", f("ca.key"), "-out", f("ca.pem")});
  WriteFile(f("server.ext"), "subjectAltName=IP:127.0.0.1\n");
  Openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=musterd", "-keyout",
                f("server.key"), "-out", f("server.csr")});
  Openssl(dir,
          {"x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"),
           "-CAcreateserial", "-days", "2", "-extfile", f("server.ext"), "-out", f("server.pem")});
  Openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=field-laptop-7", "-keyout",
                f("client.key"), "-out", f("client.csr")});
  Openssl(dir, {"x509", "-req", "-in", f("client.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"),
                "-CAcreateserial", "-days", "2", "-out", f("client.pem")});
}

json Records(const CommandResult& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["records"];
}

}  // namespace

TEST_CASE("tokens: missing, unknown and wrong-role calls are refused — the right role works") {
  TempDir dir;
  WriteFile(dir.File("musterd.toml"), TokensToml());
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string(),
                   {"--config", dir.File("musterd.toml")});
  const std::string work = dir.path().string(), server = d.address();
  auto ctl = [&](std::vector<std::string> flags, std::vector<std::string> args) {
    return Ctl(work, server, std::move(flags), std::move(args));
  };

  // No token, bad token: UNAUTHENTICATED on every service.
  for (auto args : std::vector<std::vector<std::string>>{{"skill", "list"},
                                                         {"activation", "list"},
                                                         {"audit"},
                                                         {"admin", "backup", dir.File("b.db")}}) {
    CommandResult r = ctl({}, args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("UNAUTHENTICATED") && Catch::Contains("no bearer token"));
    r = ctl(Token("not-a-token"), args);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("UNAUTHENTICATED") && Catch::Contains("not known"));
  }

  // Viewer: reads yes, writes no.
  CommandResult r = ctl(Token("viewer-secret-1"), {"skill", "list"});
  CHECK(r.exit_code == 0);
  r = ctl(Token("viewer-secret-1"), {"activation", "list"});
  CHECK(r.exit_code == 0);
  r = ctl(Token("viewer-secret-1"), {"skill", "add", "first_aid", "--name", "First aid"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("PERMISSION_DENIED") && Catch::Contains("ops-viewer") &&
                        Catch::Contains("roster-admin"));
  r = ctl(Token("viewer-secret-1"), {"activation", "cancel", "999"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("needs role planner"));

  // Planner: activations yes (999 does not exist: NOT_FOUND, not refused);
  // roster writes, backup and audit no.
  r = ctl(Token("planner-secret-1"), {"activation", "cancel", "999"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("NOT_FOUND"));
  r = ctl(Token("planner-secret-1"), {"skill", "add", "first_aid", "--name", "First aid"});
  CHECK(r.exit_code == 4);
  r = ctl(Token("planner-secret-1"), {"admin", "backup", dir.File("p.db")});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("needs role admin"));

  // Roster admin: roster writes yes, activations and audit no.
  r = ctl(Token("roster-secret-1"), {"skill", "add", "first_aid", "--name", "First aid"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r = ctl(Token("roster-secret-1"), {"activation", "cancel", "999"});
  CHECK(r.exit_code == 4);
  r = ctl(Token("roster-secret-1"), {"audit"});
  CHECK(r.exit_code == 4);

  // Admin: everything; the token can come from MUSTER_TOKEN too.
  r = ctl(Token("admin-secret-1"), {"admin", "backup", dir.File("a.db")});
  CHECK(r.exit_code == 0);
  setenv("MUSTER_TOKEN", "admin-secret-1", 1);
  r = ctl({}, {"audit", "verify"});
  unsetenv("MUSTER_TOKEN");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("intact"));

  // The audit log has the write with its actor and target, and the refusals.
  json rows = Records(ctl(Token("admin-secret-1"),
                          {"--output", "json", "audit", "--action", "RosterService/UpsertSkill"}));
  int ok = 0, denied = 0;
  for (const auto& row : rows) {
    if (row["outcome"] == "OK") {
      ++ok;
      CHECK(row["actor"] == "ops-roster");
      CHECK_THAT(row["target"].get<std::string>(), Catch::Contains("first_aid"));
      CHECK_FALSE(row["request_id"].get<std::string>().empty());
    } else if (row["outcome"] == "PERMISSION_DENIED") {
      ++denied;
      CHECK((row["actor"] == "ops-viewer" || row["actor"] == "ops-planner"));
    }
  }
  CHECK(ok == 1);
  CHECK(denied == 2);
  rows =
      Records(ctl(Token("admin-secret-1"), {"--output", "json", "audit", "--actor", "anonymous"}));
  CHECK(rows.size() >= 4);
  rows =
      Records(ctl(Token("admin-secret-1"), {"--output", "json", "audit", "--actor", "ops-admin"}));
  REQUIRE(rows.size() == 1);  // the backup (audit reads are not recorded)
  CHECK(rows[0]["action"] == "AdminService/Backup");
  // Successful reads are not audited (only the refused ones above are).
  rows = Records(ctl(Token("admin-secret-1"),
                     {"--output", "json", "audit", "--action", "RosterService/ListSkills"}));
  CHECK(rows.size() == 2);  // no token, unknown token
  for (const auto& row : rows) CHECK(row["outcome"] == "UNAUTHENTICATED");
}

TEST_CASE("audit verify fails after a record is altered by hand") {
  TempDir dir;
  WriteFile(dir.File("musterd.toml"), TokensToml());
  MusterdProcess d(MUSTERD_PATH, dir.File("muster.db"), dir.path().string(),
                   {"--config", dir.File("musterd.toml")});
  const std::string work = dir.path().string(), server = d.address();
  for (const char* code : {"first_aid", "driver_4x4", "boat"}) {
    REQUIRE(Ctl(work, server, Token("roster-secret-1"), {"skill", "add", code, "--name", code})
                .exit_code == 0);
  }
  CommandResult r = Ctl(work, server, Token("admin-secret-1"), {"audit", "verify"});
  REQUIRE(r.exit_code == 0);
  // Someone with the database file drops the guard triggers and edits a row.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(dir.File("muster.db").c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  int rc = sqlite3_exec(db,
                        "DROP TRIGGER audit_log_no_update;"
                        "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2;",
                        nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  r = Ctl(work, server, Token("admin-secret-1"), {"audit", "verify"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("BROKEN at record 2"));
  r = Ctl(work, server, Token("admin-secret-1"), {"--output", "json", "audit", "verify"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["first_bad_id"] == "2");
}

TEST_CASE("TLS and mutual TLS: the right certificates connect, others are refused") {
  TempDir dir;
  const std::string work = dir.path().string();
  MakeCertificates(work);
  auto f = [&dir](const char* name) { return dir.File(name); };

  SECTION("server TLS") {
    WriteFile(f("musterd.toml"), fmt::format("[tls]\ncert = \"{}\"\nkey = \"{}\"\n",
                                             f("server.pem"), f("server.key")));
    MusterdProcess d(MUSTERD_PATH, f("muster.db"), work, {"--config", f("musterd.toml")});
    CommandResult r = Ctl(work, d.address(), {"--ca", f("ca.pem")}, {"skill", "list"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    // Plaintext against a TLS port fails (no answer it understands).
    r = Ctl(work, d.address(), {"--timeout", "3"}, {"skill", "list"});
    CHECK(r.exit_code == 3);
    // A client that trusts another CA refuses the server.
    r = Ctl(work, d.address(), {"--ca", f("client.pem"), "--timeout", "3"}, {"skill", "list"});
    CHECK(r.exit_code == 3);
    // An unreadable --ca is a usage error.
    r = Ctl(work, d.address(), {"--ca", f("missing.pem")}, {"skill", "list"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--ca") && Catch::Contains("missing.pem"));
  }

  SECTION("mutual TLS, no tokens: the certificate's CN is the actor") {
    WriteFile(f("musterd.toml"),
              fmt::format("[tls]\ncert = \"{}\"\nkey = \"{}\"\nclient_ca = \"{}\"\n",
                          f("server.pem"), f("server.key"), f("ca.pem")));
    MusterdProcess d(MUSTERD_PATH, f("muster.db"), work, {"--config", f("musterd.toml")});
    std::vector<std::string> mtls = {"--ca",          f("ca.pem"), "--cert",
                                     f("client.pem"), "--key",     f("client.key")};
    CommandResult r = Ctl(work, d.address(), mtls, {"skill", "add", "boat", "--name", "Boat"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    // Without a client certificate the handshake is refused.
    r = Ctl(work, d.address(), {"--ca", f("ca.pem"), "--timeout", "3"}, {"skill", "list"});
    CHECK(r.exit_code == 3);
    std::vector<std::string> json_audit = {"--output", "json", "audit"};
    json rows = Records(Ctl(work, d.address(), mtls, json_audit));
    REQUIRE(rows.size() == 2);  // STARTED before the write, then its outcome
    CHECK(rows[0]["outcome"] == "STARTED");
    CHECK(rows[1]["outcome"] == "OK");
    for (const auto& row : rows) {
      CHECK(row["actor"] == "field-laptop-7");
      CHECK(row["action"] == "RosterService/UpsertSkill");
    }
  }

  SECTION("mutual TLS with tokens: the certificate connects, the token decides") {
    WriteFile(f("musterd.toml"),
              fmt::format("[tls]\ncert = \"{}\"\nkey = \"{}\"\nclient_ca = \"{}\"\n\n{}",
                          f("server.pem"), f("server.key"), f("ca.pem"), TokensToml()));
    MusterdProcess d(MUSTERD_PATH, f("muster.db"), work, {"--config", f("musterd.toml")});
    std::vector<std::string> mtls = {"--ca",          f("ca.pem"), "--cert",
                                     f("client.pem"), "--key",     f("client.key")};
    CommandResult r = Ctl(work, d.address(), mtls, {"skill", "list"});
    CHECK(r.exit_code == 4);
    auto with_token = mtls;
    with_token.insert(with_token.end(), {"--token", "viewer-secret-1"});
    r = Ctl(work, d.address(), with_token, {"skill", "list"});
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("musterd refuses unsafe or broken security settings at start-up") {
  TempDir dir;
  const std::string work = dir.path().string();
  auto start = [&](const std::string& toml, const std::string& listen) {
    WriteFile(dir.File("musterd.toml"), toml);
    return Run({MUSTERD_PATH, "--config", dir.File("musterd.toml"), "--db", dir.File("m.db"),
                "--listen", listen, "--http-listen", "127.0.0.1:0"},
               work, std::chrono::seconds(60));
  };
  // TLS files that cannot be read name the key and the path.
  CommandResult r = start(
      fmt::format("[tls]\ncert = \"{0}/nope.pem\"\nkey = \"{0}/nope.key\"\n", work), "127.0.0.1:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("tls.cert") && Catch::Contains("nope.pem"));
  // Off loopback, plaintext is refused, and so is TLS without tokens.
  r = start("", "0.0.0.0:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("not a loopback address"));
  MakeCertificates(work);
  r = start(fmt::format("[tls]\ncert = \"{0}/server.pem\"\nkey = \"{0}/server.key\"\n", work),
            "0.0.0.0:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("configure [[auth.tokens]]"));
}

// The container image never serves plaintext or token-less gRPC to remote
// callers: deploy/Dockerfile starts deploy/docker-entrypoint.sh, which
// refuses a configuration without [tls] and [[auth.tokens]] and never passes
// --allow-remote-plaintext. Docker itself cannot run here, so the script is
// run with /bin/echo standing in for musterd: its output is musterd's argv.
#include <catch2/catch.hpp>

#include <sstream>

#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;

namespace {

const std::string kDockerfile = std::string(MUSTER_SOURCE_DIR) + "/deploy/Dockerfile";
const std::string kEntrypoint = std::string(MUSTER_SOURCE_DIR) + "/deploy/docker-entrypoint.sh";

const char* kGoodConfig = R"([server]
listen = "127.0.0.1:7070"
allow_remote_plaintext = false   # the default

[tls]
cert = "/etc/muster/server.pem"
key = "/etc/muster/server.key"
client_ca = ""

[[auth.tokens]]
name = "control-room"
sha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
role = "admin"
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Runs the entrypoint (no shell of ours: env sets the variables) with the
// given configuration text ("" = no file) and extra arguments.
CommandResult Entrypoint(const TempDir& dir, const std::string& config,
                         std::vector<std::string> args = {}, bool loopback_only = false) {
  std::string path = dir.File("musterd.toml");
  unlink(path.c_str());
  if (!config.empty()) WriteFile(path, config);
  std::vector<std::string> argv = {
      "/usr/bin/env",
      "MUSTER_CONFIG=" + path,
      "MUSTER_DB=" + dir.File("muster.db"),
      "MUSTERD=/bin/echo",
      std::string("MUSTER_LOOPBACK_ONLY=") + (loopback_only ? "1" : ""),
      "/bin/sh",
      kEntrypoint};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, dir.path().string(), std::chrono::seconds(20));
}

}  // namespace

TEST_CASE("the Dockerfile starts the checking entrypoint, never remote plaintext",
          "[integration][docker]") {
  std::string dockerfile = ReadFile(kDockerfile);
  REQUIRE(!dockerfile.empty());
  CHECK(dockerfile.find("allow-remote-plaintext") == std::string::npos);
  CHECK(dockerfile.find("allow_remote_plaintext") == std::string::npos);
  CHECK(dockerfile.find("ENTRYPOINT [\"/usr/local/bin/docker-entrypoint.sh\"]") !=
        std::string::npos);
  CHECK(dockerfile.find("COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh") !=
        std::string::npos);
  // No line of the script that starts musterd passes the flag.
  std::istringstream script(ReadFile(kEntrypoint));
  int execs = 0;
  for (std::string line; std::getline(script, line);) {
    size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line.compare(first, 5, "exec ") != 0) continue;
    ++execs;
    INFO(line);
    CHECK(line.find("allow-remote") == std::string::npos);
  }
  CHECK(execs == 3);
}

TEST_CASE("the entrypoint starts musterd on 0.0.0.0 only with TLS and tokens",
          "[integration][docker]") {
  TempDir dir;
  CommandResult ok = Entrypoint(dir, kGoodConfig, {"--log-level", "debug"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out == "--config " + dir.File("musterd.toml") + " --db " + dir.File("muster.db") +
                      " --listen 0.0.0.0:7070 --log-level debug\n");
}

TEST_CASE("the entrypoint refuses to start without TLS, tokens or a configuration",
          "[integration][docker]") {
  TempDir dir;
  struct Case {
    std::string name, config;
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<Case> cases = {
      {"no file", "", {}, "no configuration at "},
      {"empty cert",
       Replace(kGoodConfig, "cert = \"/etc/muster/server.pem\"", "cert = \"\""),
       {},
       "has no [tls] cert and key"},
      {"no key",
       Replace(kGoodConfig, "key = \"/etc/muster/server.key\"\n", ""),
       {},
       "has no [tls] cert and key"},
      {"commented-out tls",
       Replace(kGoodConfig, "cert = \"/etc/muster/server.pem\"", "# cert = \"/x.pem\""),
       {},
       "has no [tls] cert and key"},
      {"cert outside [tls]",
       Replace(kGoodConfig, "[tls]\ncert = \"/etc/muster/server.pem\"",
               "cert = \"/etc/muster/server.pem\"\n[tls]"),
       {},
       "has no [tls] cert and key"},
      {"no tokens",
       Replace(kGoodConfig, "[[auth.tokens]]", "# [[auth.tokens]]"),
       {},
       "has no [[auth.tokens]]"},
      {"remote plaintext in the file",
       Replace(kGoodConfig, "allow_remote_plaintext = false", "allow_remote_plaintext = true"),
       {},
       "sets server.allow_remote_plaintext = true"},
      {"remote plaintext as an argument",
       kGoodConfig,
       {"--allow-remote-plaintext"},
       "--allow-remote-plaintext is not accepted"},
      {"another configuration as an argument",
       kGoodConfig,
       {"--config", "/tmp/x.toml"},
       "the configuration is "},
      {"another address as an argument",
       kGoodConfig,
       {"--listen=0.0.0.0:8443"},
       "the container sets the gRPC address"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CommandResult r = Entrypoint(dir, c.config, c.args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 78);
    CHECK(r.out.empty());  // musterd (echo) never started
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(r.err.find("docs/operations.md") != std::string::npos);
  }
}

TEST_CASE("MUSTER_LOOPBACK_ONLY serves inside the container only, config or not",
          "[integration][docker]") {
  TempDir dir;
  CommandResult bare = Entrypoint(dir, "", {}, /*loopback_only=*/true);
  INFO(bare.err);
  REQUIRE(bare.exit_code == 0);
  CHECK(bare.out == "--db " + dir.File("muster.db") + " --listen 127.0.0.1:7070\n");
  CHECK(bare.err.find("127.0.0.1:7070 inside the container only") != std::string::npos);
  CommandResult plain = Entrypoint(dir, "", {"--allow-remote-plaintext"}, /*loopback_only=*/true);
  CHECK(plain.exit_code == 78);
  CHECK(plain.out.empty());
  CommandResult config_plain = Entrypoint(
      dir, Replace(kGoodConfig, "allow_remote_plaintext = false", "allow_remote_plaintext = true"),
      {}, /*loopback_only=*/true);
  CHECK(config_plain.exit_code == 78);
  CHECK(config_plain.out.empty());
}

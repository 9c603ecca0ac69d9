// musterd --check-config refuses what start-up refuses: the notifier
// backends are built as start-up builds them, and http.public_url must be a
// base that answer links can be appended to.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

using muster::testing::Run;
using muster::testing::TempDir;
using muster::testing::WriteFile;

namespace {

muster::testing::CommandResult Check(const TempDir& dir, const std::string& toml) {
  std::string path = dir.File("musterd.toml");
  WriteFile(path, toml);
  return Run({MUSTERD_PATH, "--config", path, "--check-config"}, dir.path().string());
}

}  // namespace

TEST_CASE("musterd --check-config refuses notifier settings that start-up refuses, by name",
          "[integration]") {
  TempDir dir;
  struct Case {
    std::string toml;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"[notifiers.hook]\ntype = \"webhook\"\nconcurrency = 0\n", "notifiers.hook.concurrency"},
      {"[notifiers.hook]\ntype = \"webhook\"\npipeline = 65\n", "notifiers.hook.pipeline"},
      {"[notifiers.hook]\ntype = \"webhook\"\nurl = \"ftp://x\"\n", "notifiers.hook.url"},
      {"[notifiers.hook]\ntype = \"webhook\"\ntimeout = 5\n", "notifiers.hook.timeout"},
      {"[notifiers.mail]\ntype = \"email\"\nfrom = \"m@example.org\"\n", "notifiers.mail.host"},
      {"[notifiers.mail]\ntype = \"email\"\nhost = \"127.0.0.1\"\nfrom = \"nobody\"\n",
       "notifiers.mail.from"},
      {"[notifiers.run]\ntype = \"exec\"\nprogram = \"bin/notify\"\n", "notifiers.run.program"},
      {"[notifiers.x]\ntype = \"carrier-pigeon\"\n", "notifiers.x.type"},
      {"[notifiers.hook]\ntype = \"webhook\"\nbackoff_initial_ms = 900\nbackoff_max_ms = 10\n",
       "notifiers.hook.backoff_max_ms"},
  };
  for (const auto& c : cases) {
    INFO(c.toml);
    auto r = Check(dir, c.toml);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("config ok") == std::string::npos);
    CHECK(r.err.find("invalid config: " + c.field + ":") != std::string::npos);
  }
  auto ok = Check(dir,
                  "[notifiers.hook]\ntype = \"webhook\"\nconcurrency = 4\n"
                  "[notifiers.run]\ntype = \"exec\"\nprogram = \"/bin/true\"\n");
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "config ok\n");
}

TEST_CASE("musterd --check-config and start-up refuse a public_url that is not an http(s) URL",
          "[integration]") {
  TempDir dir;
  for (const char* bad : {"not a url", "muster.example.org", "ftp://muster.example.org", "https://",
                          "https://muster.example.org/?x=1", "https://user@muster.example.org",
                          "https://muster.example.org:99999"}) {
    INFO(bad);
    auto r = Check(dir, std::string("[http]\npublic_url = \"") + bad + "\"\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("invalid config: http.public_url:") != std::string::npos);
    auto flag = Run({MUSTERD_PATH, "--db", dir.File("m.db"), "--public-url", bad, "--listen",
                     "127.0.0.1:0", "--http-listen", "127.0.0.1:0"},
                    dir.path().string(), std::chrono::seconds(30));
    CHECK(flag.exit_code == 2);
    CHECK(flag.err.find("http.public_url") != std::string::npos);
  }
  for (const char* good : {"https://muster.example.org", "http://127.0.0.1:7071",
                           "https://example.org/muster/", "http://[::1]:7071"}) {
    INFO(good);
    auto r = Check(dir, std::string("[http]\npublic_url = \"") + good + "\"\n");
    CHECK(r.exit_code == 0);
  }
}

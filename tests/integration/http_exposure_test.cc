// What the real musterd exposes on its HTTP endpoint, and where it agrees to
// listen: loopback-only unless told otherwise, addresses parsed as
// addresses, SMS callbacks refused without a configured gateway, unknown
// answer links 404 on GET as on POST.
#include <catch2/catch.hpp>

#include "support/dispatch_helpers.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;

TEST_CASE("musterd refuses a non-loopback HTTP listener and host names that only look loopback",
          "[integration]") {
  TempDir dir;
  const std::string work = dir.path().string();
  auto start = [&](const std::string& listen, const std::string& http_listen) {
    return Run(
        {MUSTERD_PATH, "--db", dir.File("m.db"), "--listen", listen, "--http-listen", http_listen},
        work, std::chrono::seconds(60));
  };
  CommandResult r = start("127.0.0.1:0", "0.0.0.0:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("http.listen") && Catch::Contains("not a loopback address") &&
                        Catch::Contains("http.allow_remote_plaintext"));
  r = start("127.0.0.1:0", "[::]:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("not a loopback address"));
  // "127." followed by a host name is a host name, not loopback.
  r = start("127.evil.example:0", "127.0.0.1:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("listen") && Catch::Contains("not a loopback address"));
  r = start("127.0.0.1:0", "127.evil.example:0");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("http.listen") && Catch::Contains("not a loopback address"));
}

TEST_CASE("the HTTP endpoint refuses unsigned SMS callbacks and 404s unknown answer links",
          "[integration][dispatch]") {
  TempDir dir;
  MusterdProcess daemon(MUSTERD_PATH, dir.File("m.db"), dir.path());
  REQUIRE(daemon.http_port() > 0);
  // No sms notifier configures a callback check: nobody may post these.
  HttpReply r = Http(daemon.http_port(), "POST", "/sms/inbound", "from=%2B447700900001&text=YES",
                     "application/x-www-form-urlencoded");
  CHECK(r.status == 403);
  r = Http(daemon.http_port(), "POST", "/sms/receipt", R"({"reference":"x","status":"delivered"})",
           "application/json");
  CHECK(r.status == 403);
  const std::string unknown = "/r/0123456789abcdef0123456789abcdef/accept";
  CHECK(Http(daemon.http_port(), "GET", unknown).status == 404);
  CHECK(Http(daemon.http_port(), "POST", unknown).status == 404);
  CHECK(daemon.Stop() == 0);
}

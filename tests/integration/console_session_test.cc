// The console's sign-in against the real musterd: a bearer token becomes a
// session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a CSRF
// token that every POST with the cookie must repeat; sign-out and idle
// expiry end the session; refusals are audited. Watches stream as
// Server-Sent Events, bounded in number, and end when musterd stops.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/json_http.h"
#include "support/process.h"
#include "support/scoped_tokens.h"
#include "support/temp_dir.h"

using namespace muster::testing;
using nlohmann::json;

namespace {

constexpr ScopedToken kTokens[] = {
    {"national", "national-secret", "admin", "[]", false},
    {"glos-planner", "glos-planner-secret", "planner", R"(["gloucestershire"])", false},
    {"wilts-viewer", "wilts-viewer-secret", "viewer", R"(["wiltshire"])", false},
};

struct Daemon {
  TempDir dir;
  MusterdProcess d;
  explicit Daemon(const std::string& extra_toml = "")
      : d((WriteFile(dir.File("musterd.toml"), TokensToml(kTokens) + extra_toml),
           WriteFile(dir.File("roster.csv"), kTwoForumRoster), MUSTERD_PATH),
          dir.File("muster.db"), dir.path().string(), {"--config", dir.File("musterd.toml")}) {
    REQUIRE(d.http_port() > 0);
  }
  int port() const { return d.http_port(); }
  json AuditRows(const std::string& action) {
    HttpResult r = PostJson(port(), "/muster.v1.AuditService/ListAudit",
                            json{{"action", action}, {"pageSize", 1000}}.dump(),
                            {{"Authorization", "Bearer national-secret"}});
    REQUIRE(r.status == 200);
    return json::parse(r.body).value("records", json::array());
  }
};

struct SignedIn {
  std::string cookie;  // "muster_session=..."
  std::string csrf;
  HttpResult reply;
};

SignedIn Login(int port, const std::string& token, Headers extra = {}) {
  SignedIn s;
  s.reply = PostJson(port, "/console/login", json{{"token", token}}.dump(), extra);
  if (s.reply.status != 200) return s;
  std::string set = s.reply.Header("set-cookie");
  s.cookie = set.substr(0, set.find(';'));
  s.csrf = json::parse(s.reply.body)["csrfToken"];
  return s;
}

HttpResult WithSession(int port, const SignedIn& s, const std::string& method,
                       const std::string& body, const std::string& csrf) {
  Headers h = {{"Cookie", "theme=dark; " + s.cookie}};
  if (!csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
  return PostJson(port, "/muster.v1." + method, body, h);
}

}  // namespace

TEST_CASE("console sign-in: cookie flags, CSRF on every POST, sign-out, refusals audited",
          "[integration][console]") {
  Daemon daemon;
  // A wrong token gets no session, and is on record.
  SignedIn wrong = Login(daemon.port(), "not-a-token");
  CHECK(wrong.reply.status == 401);
  CHECK(json::parse(wrong.reply.body)["code"] == "unauthenticated");
  CHECK(wrong.reply.Header("set-cookie").empty());
  bool audited = false;
  for (const auto& rec : daemon.AuditRows("Console/Login")) {
    audited |= rec["actor"] == "unknown-token" && rec["outcome"] == "UNAUTHENTICATED";
  }
  CHECK(audited);

  SignedIn s = Login(daemon.port(), "glos-planner-secret");
  REQUIRE(s.reply.status == 200);
  std::string cookie = s.reply.Header("set-cookie");
  CHECK_THAT(cookie, Catch::StartsWith("muster_session=") && Catch::Contains("; HttpOnly") &&
                         Catch::Contains("; SameSite=Strict") && Catch::Contains("; Path=/"));
  CHECK_THAT(cookie, !Catch::Contains("Secure"));  // plain HTTP on loopback
  json body = json::parse(s.reply.body);
  CHECK(body["actor"] == "glos-planner");
  CHECK(body["role"] == "planner");
  CHECK(body["areas"] == json::array({"gloucestershire"}));
  CHECK(s.csrf.size() == 64);
  CHECK(s.reply.Header("cache-control") == "no-store");

  // The session is the token: its role and areas apply.
  HttpResult r = WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}", s.csrf);
  CHECK(r.status == 200);
  r = WithSession(daemon.port(), s, "RosterService/UpsertSkill",
                  R"({"skill":{"code":"rope","name":"Rope"}})", s.csrf);
  CHECK(r.status == 403);  // a planner does not edit the roster
  // Without the CSRF token, or with another, nothing runs.
  r = WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}", "");
  CHECK(r.status == 403);
  CHECK_THAT(json::parse(r.body)["message"].get<std::string>(), Catch::Contains("X-CSRF-Token"));
  r = WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}",
                  std::string(64, 'a'));
  CHECK(r.status == 403);
  int csrf_rows = 0;
  for (const auto& rec : daemon.AuditRows("Console/Csrf")) {
    csrf_rows += rec["actor"] == "glos-planner" && rec["outcome"] == "PERMISSION_DENIED";
  }
  CHECK(csrf_rows == 2);
  // The session itself can be read back (a reloaded page gets its CSRF token).
  r = HttpRequest(daemon.port(), "GET", "/console/session", "", {{"Cookie", s.cookie}});
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["csrfToken"] == s.csrf);

  // Sign-out needs the CSRF token too; afterwards the cookie is worthless.
  r = PostJson(daemon.port(), "/console/logout", "{}", {{"Cookie", s.cookie}});
  CHECK(r.status == 403);
  r = PostJson(daemon.port(), "/console/logout", "{}",
               {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  CHECK(r.status == 200);
  CHECK_THAT(r.Header("set-cookie"), Catch::Contains("Max-Age=0"));
  r = WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}", s.csrf);
  CHECK(r.status == 401);
  CHECK_THAT(json::parse(r.body)["message"].get<std::string>(),
             Catch::Contains("expired or was signed out"));
  bool session_refused = false;
  for (const auto& rec : daemon.AuditRows("Console/Session")) {
    session_refused |= rec["outcome"] == "UNAUTHENTICATED";
  }
  CHECK(session_refused);
  bool signed_out = false;
  for (const auto& rec : daemon.AuditRows("Console/Logout")) {
    signed_out |= rec["actor"] == "glos-planner" && rec["outcome"] == "OK";
  }
  CHECK(signed_out);

  // Behind a TLS-terminating proxy the cookie is Secure.
  SignedIn tls = Login(daemon.port(), "wilts-viewer-secret", {{"X-Forwarded-Proto", "https"}});
  REQUIRE(tls.reply.status == 200);
  CHECK_THAT(tls.reply.Header("set-cookie"), Catch::Contains("; Secure"));
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("a console session ends after console.session_idle_timeout_s unused",
          "[integration][console]") {
  Daemon daemon("[console]\nsession_idle_timeout_s = 1\n");
  SignedIn s = Login(daemon.port(), "national-secret");
  REQUIRE(s.reply.status == 200);
  CHECK(json::parse(s.reply.body)["idleTimeoutSeconds"] == 1);
  CHECK(WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}", s.csrf).status ==
        200);
  // Idleness is the condition: nothing to wait on but the clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  HttpResult r = WithSession(daemon.port(), s, "ActivationService/ListActivations", "{}", s.csrf);
  CHECK(r.status == 401);
  CHECK(json::parse(r.body)["code"] == "unauthenticated");
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("a watch streams as Server-Sent Events, bounded, ending when musterd stops",
          "[integration][console]") {
  Daemon daemon("[console]\nmax_event_streams = 1\n");
  Headers admin = {{"Authorization", "Bearer national-secret"}};
  REQUIRE(PostJson(daemon.port(), "/muster.v1.RosterService/UpsertSkill",
                   R"({"skill":{"code":"first_aid","name":"First aid"}})", admin)
              .status == 200);
  CommandResult imported =
      Run({MUSTERCTL_PATH, "--server", daemon.d.address(), "--token", "national-secret", "roster",
           "import", daemon.dir.File("roster.csv")},
          daemon.dir.path().string());
  REQUIRE(imported.exit_code == 0);
  json spec = {{"spec",
                {{"title", "Tewkesbury flooding"},
                 {"lat", 51.9925},
                 {"lon", -2.158},
                 {"radiusKm", 30},
                 {"startNow", true},
                 {"durationMinutes", 360},
                 {"requirements", {{{"skill", "first_aid"}, {"minLevel", 1}, {"count", 2}}}}}}};
  HttpResult created =
      PostJson(daemon.port(), "/muster.v1.ActivationService/CreateActivation", spec.dump(), admin);
  INFO(created.body);
  REQUIRE(created.status == 200);
  std::string id = json::parse(created.body)["activation"]["id"];
  const std::string target =
      "/events/muster.v1.ActivationService/WatchActivation?message=%7B%22id%22%3A%22" + id +
      "%22%7D";

  // No token: refused before any stream opens, as over gRPC.
  HttpResult refused = HttpRequest(daemon.port(), "GET", target);
  CHECK(refused.status == 401);

  // Area scope as over gRPC: this activation asks wiltshire's reservists
  // too, so a gloucestershire token may not watch it.
  {
    EventStream scoped(daemon.port(), target, {{"Authorization", "Bearer glos-planner-secret"}});
    CHECK(scoped.status() == 200);
    std::string end = scoped.NextEvent();
    CHECK_THAT(end, Catch::StartsWith("event: end\ndata: ") && Catch::Contains("not_found"));
    CHECK_THAT(end, !Catch::Contains("Wilts"));
    CHECK(scoped.EndsWithin());
  }

  // A session's cookie is enough for a GET (EventSource sends no headers).
  SignedIn s = Login(daemon.port(), "national-secret");
  REQUIRE(s.reply.status == 200);
  EventStream watch(daemon.port(), target, {{"Cookie", s.cookie}});
  REQUIRE(watch.status() == 200);
  CHECK_THAT(watch.head(), Catch::Contains("Content-Type: text/event-stream") &&
                               Catch::Contains("Cache-Control: no-store"));
  std::string first = watch.NextEvent();
  REQUIRE_THAT(first, Catch::StartsWith("data: "));
  json event = json::parse(first.substr(6));
  CHECK(event["kind"] == "SNAPSHOT");
  CHECK(event["snapshot"]["id"] == id);

  // One stream is the configured bound: the next is refused.
  HttpResult second = HttpRequest(daemon.port(), "GET", target, "", admin);
  CHECK(second.status == 429);
  CHECK(json::parse(second.body)["code"] == "resource_exhausted");

  // A change shows on the open stream.
  HttpResult cancelled = PostJson(daemon.port(), "/muster.v1.ActivationService/CancelActivation",
                                  json{{"id", id}, {"reason", "test"}}.dump(), admin);
  INFO(cancelled.body);
  CHECK(cancelled.status == 200);
  bool saw_change = false;
  for (int i = 0; i < 20 && !saw_change; ++i) {
    std::string next = watch.NextEvent();
    if (next.empty()) break;
    saw_change = next.find("CANCELLED") != std::string::npos;
  }
  CHECK(saw_change);

  // Stopping musterd ends the stream cleanly and promptly.
  auto started = std::chrono::steady_clock::now();
  CHECK(daemon.d.Stop(std::chrono::seconds(20)) == 0);
  CHECK(watch.EndsWithin());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("console pages: compiled-in files with a CSP and caching, Leaflet from Debian",
          "[integration][console]") {
  Daemon daemon;
  HttpResult page = HttpRequest(daemon.port(), "GET", "/console/");
  CHECK(page.status == 200);
  CHECK(page.Header("content-type") == "text/html; charset=utf-8");
  CHECK(page.Header("cache-control") == "no-store");
  std::string csp = page.Header("content-security-policy");
  CHECK_THAT(csp, Catch::Contains("script-src 'self'") && !Catch::Contains("unsafe-inline") &&
                      Catch::Contains("default-src 'none'"));
  CHECK_THAT(page.body, Catch::Contains("app.js"));
  HttpResult script = HttpRequest(daemon.port(), "GET", "/console/app.js");
  CHECK(script.status == 200);
  CHECK(script.Header("content-type") == "text/javascript; charset=utf-8");
  CHECK_THAT(script.Header("cache-control"), Catch::Contains("max-age="));
  std::string etag = script.Header("etag");
  REQUIRE_FALSE(etag.empty());
  CHECK(
      HttpRequest(daemon.port(), "GET", "/console/app.js", "", {{"If-None-Match", etag}}).status ==
      304);
  CHECK(HttpRequest(daemon.port(), "GET", "/console/nothing.js").status == 404);
  CHECK(HttpRequest(daemon.port(), "GET", "/console/leaflet/../../etc/passwd").status == 404);
  HttpResult redirect = HttpRequest(daemon.port(), "GET", "/console");
  CHECK(redirect.status == 302);
  CHECK(redirect.Header("location") == "/console/");
  if (std::ifstream("/usr/share/javascript/leaflet/leaflet.js")) {
    HttpResult leaflet = HttpRequest(daemon.port(), "GET", "/console/leaflet/leaflet.js");
    CHECK(leaflet.status == 200);
    CHECK(leaflet.Header("content-type") == "text/javascript; charset=utf-8");
    CHECK(leaflet.body.size() > 10000);
  }
  CHECK(daemon.d.Stop() == 0);
}

TEST_CASE("console.enabled = false leaves the HTTP endpoint as it was", "[integration][console]") {
  Daemon daemon("[console]\nenabled = false\n");
  CHECK(PostJson(daemon.port(), "/muster.v1.ActivationService/ListActivations", "{}",
                 {{"Authorization", "Bearer national-secret"}})
            .status == 404);
  CHECK(PostJson(daemon.port(), "/console/login", R"({"token":"national-secret"})").status == 404);
  CHECK(HttpRequest(daemon.port(), "GET", "/console/").status == 404);
  CHECK(HttpRequest(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(daemon.d.Stop() == 0);
}

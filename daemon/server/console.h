// Console: the planner console's HTTP side on musterd's HTTP endpoint
// (docs/console.md, docs/api-json.md):
//   POST /muster.v1.<Service>/<Method>   the JSON API (JsonGateway::Unary)
//   GET  /events/muster.v1.<Service>/Watch<...>?message=<JSON>
//                                         a watch as Server-Sent Events
//   POST /console/login    {"token": "..."} -> a session cookie and a CSRF token
//   GET  /console/session  the signed-in session (its CSRF token, role, areas)
//   POST /console/logout   signs the session out
//   GET  /console/...      the page's files (compiled in); /console/leaflet/...
//                          from Debian's libjs-leaflet (console.leaflet_dir)
// A request names its caller with `Authorization: Bearer <token>` or with
// the session cookie; with the cookie, every POST must also carry the
// session's CSRF token in X-CSRF-Token. Refusals are audited like refused
// gRPC calls. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/http_server.h"
#include "server/console_sessions.h"
#include "server/json_gateway.h"

namespace muster {

class SecurityLayer;

inline constexpr char kSessionCookie[] = "muster_session";
inline constexpr char kCsrfHeader[] = "x-csrf-token";

struct ConsoleOptions {
  // Cookies get `Secure` (http.public_url is https://, or the request came
  // through a proxy saying X-Forwarded-Proto: https).
  bool secure_cookies = false;
  // Token checks are off but the HTTP endpoint is not on loopback: the API
  // and sign-in are refused (anyone reaching it would be admin).
  bool refuse_without_tokens = false;
  std::string leaflet_dir = "/usr/share/javascript/leaflet";
};

class Console {
 public:
  Console(JsonGateway& gateway, SecurityLayer& security, ConsoleSessions& sessions,
          ConsoleOptions options);
  void Install(http::HttpServer& server);

  // The value of cookie `name` in a Cookie header ("" when absent).
  static std::string CookieValue(std::string_view header, std::string_view name);

 private:
  struct Caller {
    std::string authorization;  // forwarded as the call's authorization
    bool refused = false;
    http::Response refusal;
  };
  // Who makes this request: its bearer token, or its session (checking the
  // CSRF token when `write`).
  Caller Identify(const http::Request& request, bool write, const std::string& request_id);

  http::Response Api(const http::Request& request);
  http::Response Events(const http::Request& request);
  http::Response Login(const http::Request& request);
  http::Response Logout(const http::Request& request);
  http::Response Session(const http::Request& request);
  http::Response Asset(const http::Request& request);
  http::Response Leaflet(const http::Request& request);

  std::string SessionCookie(const http::Request& request, const std::string& value,
                            bool clear) const;

  JsonGateway& gateway_;
  SecurityLayer& security_;
  ConsoleSessions& sessions_;
  const ConsoleOptions options_;
};

}  // namespace muster

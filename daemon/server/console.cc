#include "server/console.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/auth_guard.h"
#include "auth/tokens.h"
#include "digest/hash.h"
#include "server/console_assets.h"
#include "server/security_layer.h"

namespace muster {
namespace {

// Scripts, styles and images from musterd only; no inline script, no
// framing, no request anywhere else.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

bool AcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string RequestIdOf(const http::Request& request) {
  std::string id = request.Header("x-request-id");
  return AcceptableRequestId(id) ? id : api::NewRequestId();
}

bool IsJson(const http::Request& request) {
  std::string type = request.Header("content-type");
  std::string base = type.substr(0, type.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base == "application/json";
}

http::Response NotJson(const std::string& request_id) {
  http::Response r = ErrorResponse(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                   "Content-Type must be application/json (the request message in protobuf's "
                   "JSON mapping)"),
      request_id);
  r.status = 415;
  return r;
}

http::Response Json(int status, const nlohmann::json& body, const std::string& request_id) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Request-Id", request_id);
  return r;
}

void AddPageHeaders(http::Response& r) {
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

// A relative file name under a served folder: letters, digits, '.', '-',
// '_' and '/' separators, no empty, "." or ".." part.
bool SafeRelativePath(std::string_view path) {
  if (path.empty() || path.size() > 200) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

// A weak validator for a file's body.
std::string ETagOf(std::string_view body) {
  return "\"" + Sha256Hex(body).substr(0, 32) + "\"";
}

http::Response FileResponse(const http::Request& request, std::string_view path, std::string body,
                            bool no_store) {
  http::Response r;
  r.content_type = std::string(ContentTypeOf(path));
  AddPageHeaders(r);
  std::string etag = ETagOf(body);
  r.headers.emplace_back("ETag", etag);
  // The page itself (HTML) is never stored: it is the one place a later
  // version could change what the page does with personal data. Scripts,
  // styles and images are kept a day and revalidated by ETag.
  r.headers.emplace_back("Cache-Control", no_store ? "no-store" : "public, max-age=86400");
  if (!no_store && request.Header("if-none-match") == etag) {
    r.status = 304;
    return r;
  }
  r.body = std::move(body);
  return r;
}

}  // namespace

std::string_view ContentTypeOf(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  if (ends(".geojson")) return "application/geo+json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Console::Console(JsonGateway& gateway, SecurityLayer& security, ConsoleSessions& sessions,
                 ConsoleOptions options)
    : gateway_(gateway), security_(security), sessions_(sessions), options_(std::move(options)) {}

std::string Console::CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return "";
}

std::string Console::SessionCookie(const http::Request& request, const std::string& value,
                                   bool clear) const {
  bool secure = options_.secure_cookies || request.Header("x-forwarded-proto") == "https";
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}{}", kSessionCookie, value,
                     secure ? "; Secure" : "", clear ? "; Max-Age=0" : "");
}

Console::Caller Console::Identify(const http::Request& request, bool write,
                                  const std::string& request_id) {
  Caller caller;
  auto refuse = [&](grpc::StatusCode code, std::string_view action, const std::string& actor,
                    const std::string& message) {
    security_.RecordConsoleRefusal(
        actor, action,
        code == grpc::StatusCode::UNAUTHENTICATED ? "UNAUTHENTICATED" : "PERMISSION_DENIED",
        message, request_id);
    caller.refused = true;
    caller.refusal = ErrorResponse(grpc::Status(code, message), request_id);
  };
  if (options_.refuse_without_tokens) {
    refuse(grpc::StatusCode::UNAUTHENTICATED, api::kConsoleSession, "anonymous",
           "this HTTP endpoint is not on loopback and no [[auth.tokens]] are configured, so the "
           "JSON API and the console are refused: configure tokens (docs/security.md)");
    return caller;
  }
  // A bearer token is not sent by a browser on its own: no CSRF token needed.
  std::string authorization = request.Header("authorization");
  if (!authorization.empty()) {
    caller.authorization = std::move(authorization);
    return caller;
  }
  std::string id = CookieValue(request.Header("cookie"), kSessionCookie);
  if (id.empty()) return caller;  // no identity: the call is refused as without a token
  std::optional<ConsoleSession> session = sessions_.Use(id);
  if (!session) {
    refuse(grpc::StatusCode::UNAUTHENTICATED, api::kConsoleSession, "anonymous",
           "the console session has expired or was signed out: sign in again");
    return caller;
  }
  if (write && !ConstantTimeEquals(request.Header(kCsrfHeader), session->csrf)) {
    refuse(grpc::StatusCode::PERMISSION_DENIED, api::kConsoleCsrf, session->actor,
           request.Header(kCsrfHeader).empty()
               ? "missing X-CSRF-Token header: a request made with the session cookie must repeat "
                 "the session's CSRF token (from /console/login or /console/session)"
               : "wrong X-CSRF-Token: it does not match this session's CSRF token");
    return caller;
  }
  caller.authorization = session->authorization;  // "" with token checks off: "local"
  return caller;
}

http::Response Console::Api(const http::Request& request) {
  std::string request_id = RequestIdOf(request);
  if (!IsJson(request)) return NotJson(request_id);
  Caller caller = Identify(request, true, request_id);
  if (caller.refused) return caller.refusal;
  return gateway_.Unary(request.path, request.body, caller.authorization, request_id);
}

http::Response Console::Events(const http::Request& request) {
  std::string request_id = RequestIdOf(request);
  Caller caller = Identify(request, false, request_id);
  if (caller.refused) return caller.refusal;
  std::string_view path = std::string_view(request.path).substr(std::string_view("/events").size());
  auto message = request.query.find("message");
  return gateway_.Watch(path, message == request.query.end() ? "" : message->second,
                        caller.authorization, request_id);
}

http::Response Console::Login(const http::Request& request) {
  std::string request_id = RequestIdOf(request);
  if (!IsJson(request)) return NotJson(request_id);
  auto refuse = [&](const std::string& actor, const std::string& message) {
    security_.RecordConsoleRefusal(actor, api::kConsoleLogin, "UNAUTHENTICATED", message,
                                   request_id);
    return ErrorResponse(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, message), request_id);
  };
  if (options_.refuse_without_tokens) {
    return refuse("anonymous",
                  "this HTTP endpoint is not on loopback and no [[auth.tokens]] are configured: "
                  "configure tokens to sign in (docs/security.md)");
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("token") ||
      !body["token"].is_string()) {
    return ErrorResponse(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                      "expected a JSON object {\"token\": \"<bearer token>\"}"),
                         request_id);
  }
  std::string token = body["token"].get<std::string>();
  if (token.empty() && security_.tokens_enabled()) return refuse("anonymous", "token is empty");
  std::optional<auth::Principal> who = security_.Authenticate(token);
  if (!who) return refuse("unknown-token", "unknown token");
  ConsoleSession session =
      sessions_.Create(security_.tokens_enabled() ? "Bearer " + token : "", who->name,
                       std::string(auth::RoleName(who->role)), who->areas);
  security_.RecordConsoleAction(session.actor, api::kConsoleLogin, request_id);
  nlohmann::json out = {{"actor", session.actor},
                        {"role", session.role},
                        {"areas", session.areas},
                        {"csrfToken", session.csrf},
                        {"idleTimeoutSeconds", sessions_.idle_timeout().count()}};
  http::Response r = Json(200, out, request_id);
  r.headers.emplace_back("Set-Cookie", SessionCookie(request, session.id, false));
  return r;
}

http::Response Console::Logout(const http::Request& request) {
  std::string request_id = RequestIdOf(request);
  std::string id = CookieValue(request.Header("cookie"), kSessionCookie);
  std::optional<ConsoleSession> session = sessions_.Use(id);
  if (!session) {
    security_.RecordConsoleRefusal("anonymous", api::kConsoleSession, "UNAUTHENTICATED",
                                   "sign-out without a live session", request_id);
    http::Response r = ErrorResponse(
        grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no live console session to sign out"),
        request_id);
    r.headers.emplace_back("Set-Cookie", SessionCookie(request, "", true));
    return r;
  }
  if (!ConstantTimeEquals(request.Header(kCsrfHeader), session->csrf)) {
    std::string message = "missing or wrong X-CSRF-Token: sign-out needs the session's CSRF token";
    security_.RecordConsoleRefusal(session->actor, api::kConsoleCsrf, "PERMISSION_DENIED", message,
                                   request_id);
    return ErrorResponse(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, message), request_id);
  }
  sessions_.Remove(id);
  security_.RecordConsoleAction(session->actor, api::kConsoleLogout, request_id);
  http::Response r = Json(200, nlohmann::json::object(), request_id);
  r.headers.emplace_back("Set-Cookie", SessionCookie(request, "", true));
  return r;
}

http::Response Console::Session(const http::Request& request) {
  std::string request_id = RequestIdOf(request);
  std::optional<ConsoleSession> session =
      sessions_.Use(CookieValue(request.Header("cookie"), kSessionCookie));
  if (!session) {
    // Not audited: a page asks this on every load to learn whether to show
    // the sign-in form.
    return ErrorResponse(
        grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "not signed in (or the session expired)"),
        request_id);
  }
  nlohmann::json out = {{"actor", session->actor},
                        {"role", session->role},
                        {"areas", session->areas},
                        {"csrfToken", session->csrf},
                        {"idleTimeoutSeconds", sessions_.idle_timeout().count()}};
  return Json(200, out, request_id);
}

http::Response Console::Asset(const http::Request& request) {
  std::string_view path =
      std::string_view(request.path).substr(std::string_view("/console/").size());
  if (path.empty()) path = "index.html";
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    if (asset.path == path) {
      return FileResponse(request, path, std::string(asset.body), path.ends_with(".html"));
    }
  }
  return http::Response::Text(404, "not found\n");
}

http::Response Console::Leaflet(const http::Request& request) {
  std::string_view path =
      std::string_view(request.path).substr(std::string_view("/console/leaflet/").size());
  if (!SafeRelativePath(path)) return http::Response::Text(404, "not found\n");
  std::filesystem::path file = std::filesystem::path(options_.leaflet_dir) / std::string(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return http::Response::Text(404, "not found\n");
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return http::Response::Text(404, "not found\n");
  return FileResponse(request, path, text.str(), false);
}

void Console::Install(http::HttpServer& server) {
  server.Handle("POST", "/muster.v1.*", [this](const http::Request& r) { return Api(r); });
  server.Handle("GET", "/events/muster.v1.*", [this](const http::Request& r) { return Events(r); });
  server.Handle("POST", "/console/login", [this](const http::Request& r) { return Login(r); });
  server.Handle("POST", "/console/logout", [this](const http::Request& r) { return Logout(r); });
  server.Handle("GET", "/console/session", [this](const http::Request& r) { return Session(r); });
  server.Handle("GET", "/console/leaflet/*", [this](const http::Request& r) { return Leaflet(r); });
  server.Handle("GET", "/console/*", [this](const http::Request& r) { return Asset(r); });
  server.Handle("GET", "/console", [](const http::Request&) {
    http::Response r = http::Response::Text(302, "see /console/\n");
    r.headers.emplace_back("Location", "/console/");
    return r;
  });
}

}  // namespace muster

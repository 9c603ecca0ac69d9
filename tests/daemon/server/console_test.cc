#include "server/console.h"

#include <catch2/catch.hpp>

#include "server/console_assets.h"
#include "server/json_gateway.h"

using namespace muster;

TEST_CASE("Console::CookieValue finds one cookie among several", "[server][console]") {
  CHECK(Console::CookieValue("muster_session=abc", "muster_session") == "abc");
  CHECK(Console::CookieValue("a=1; muster_session=abc; b=2", "muster_session") == "abc");
  CHECK(Console::CookieValue("a=1;muster_session=x", "muster_session") == "x");
  CHECK(Console::CookieValue("xmuster_session=abc", "muster_session").empty());
  CHECK(Console::CookieValue("", "muster_session").empty());
}

TEST_CASE("gRPC codes map to Connect's names and HTTP statuses", "[server][console]") {
  CHECK(ConnectCodeName(grpc::StatusCode::INVALID_ARGUMENT) == "invalid_argument");
  CHECK(ConnectCodeName(grpc::StatusCode::CANCELLED) == "canceled");
  CHECK(ConnectCodeName(grpc::StatusCode::UNAUTHENTICATED) == "unauthenticated");
  CHECK(HttpStatusOfCode(grpc::StatusCode::UNAUTHENTICATED) == 401);
  CHECK(HttpStatusOfCode(grpc::StatusCode::PERMISSION_DENIED) == 403);
  CHECK(HttpStatusOfCode(grpc::StatusCode::NOT_FOUND) == 404);
  CHECK(HttpStatusOfCode(grpc::StatusCode::RESOURCE_EXHAUSTED) == 429);
  CHECK(HttpStatusOfCode(grpc::StatusCode::FAILED_PRECONDITION) == 400);
  CHECK(HttpStatusOfCode(grpc::StatusCode::UNAVAILABLE) == 503);
  CHECK(HttpStatusOfCode(grpc::StatusCode::INTERNAL) == 500);
  http::Response r = ErrorResponse(grpc::Status(grpc::StatusCode::NOT_FOUND, "no \"x\""), "rid");
  CHECK(r.status == 404);
  CHECK(r.content_type == "application/json");
  CHECK(r.body == R"({"code":"not_found","message":"no \"x\""})");
}

TEST_CASE("the console's files are compiled in, with their types", "[server][console]") {
  bool index = false;
  for (const ConsoleAsset& a : ConsoleAssets()) {
    if (a.path == "index.html") {
      index = true;
      CHECK(a.body.find("<script src=\"app.js\"") != std::string_view::npos);
      // No inline script: the CSP forbids it, so the page must not need it.
      CHECK(a.body.find("<script>") == std::string_view::npos);
    }
  }
  CHECK(index);
  CHECK(ContentTypeOf("app.js") == "text/javascript; charset=utf-8");
  CHECK(ContentTypeOf("index.html") == "text/html; charset=utf-8");
  CHECK(ContentTypeOf("x.geojson") == "application/geo+json");
  CHECK(ContentTypeOf("x.bin") == "application/octet-stream");
}

#include "http/health_endpoints.h"

namespace muster::http {

void InstallHealthEndpoints(HttpServer& server, metrics::Registry& registry,
                            ReadinessCheck readiness) {
  server.Handle("GET", "/healthz", [](const Request&) { return Response::Text(200, "ok\n"); });
  server.Handle("GET", "/readyz", [readiness = std::move(readiness)](const Request&) {
    Readiness r = readiness ? readiness() : Readiness{true, {}};
    if (r.ready) return Response::Text(200, "ready\n");
    std::string body = "not ready\n";
    for (const std::string& reason : r.reasons) body += reason + "\n";
    return Response::Text(503, std::move(body));
  });
  server.Handle("GET", "/metrics", [&registry](const Request&) {
    Response r = Response::Text(200, registry.RenderText());
    r.content_type = std::string(metrics::Registry::kContentType);
    return r;
  });
}

}  // namespace muster::http

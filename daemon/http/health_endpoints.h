// The daemon's built-in operational endpoints on an HttpServer:
//   GET /healthz  200 "ok\n" while the process serves at all (liveness)
//   GET /readyz   200 "ready\n", or 503 with one reason per line (readiness)
//   GET /metrics  the registry in Prometheus text format 0.0.4
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "metrics/metrics.h"

namespace muster::http {

struct Readiness {
  bool ready = false;
  std::vector<std::string> reasons;  // why not ready, e.g. "database: migrations pending"
};

// Called on a worker thread for every /readyz request; must be thread-safe
// and quick. An empty function means "always ready".
using ReadinessCheck = std::function<Readiness()>;

void InstallHealthEndpoints(HttpServer& server, metrics::Registry& registry,
                            ReadinessCheck readiness);

}  // namespace muster::http

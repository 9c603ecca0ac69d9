// Route table for HttpServer: exact paths and prefixes, per method.
// Thread-safe (a shared mutex: many concurrent lookups, rare additions).
#pragma once

#include <shared_mutex>
#include <string>
#include <vector>

#include "http/http_server.h"

namespace muster::http {

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kWrongMethod };
  Kind kind = Kind::kNotFound;
  Handler handler;      // kFound
  std::string pattern;  // kFound: the route as registered, e.g. "/r/*" (a metric label)
  std::string allow;    // kWrongMethod: "GET, HEAD, POST"
};

class Router {
 public:
  // See HttpServer::Handle. An empty method or a path not starting with '/'
  // is a bug: throws std::invalid_argument.
  void Add(std::string method, std::string path, Handler handler);
  // HEAD falls back to a GET route.
  RouteMatch Match(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;  // as registered
    std::string prefix;   // the pattern without a trailing '*'
    bool is_prefix = false;
    Handler handler;
  };
  mutable std::shared_mutex mu_;
  std::vector<Route> routes_;
};

}  // namespace muster::http

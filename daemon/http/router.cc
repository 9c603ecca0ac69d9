#include "http/router.h"

#include <mutex>
#include <set>
#include <stdexcept>

namespace muster::http {

void Router::Add(std::string method, std::string path, Handler handler) {
  if (method.empty() || path.empty() || path[0] != '/' || !handler) {
    throw std::invalid_argument(
        "http route needs a method, a path starting with '/' and a handler");
  }
  Route route;
  route.is_prefix = path.back() == '/' || path.back() == '*';
  route.prefix = path.back() == '*' ? path.substr(0, path.size() - 1) : path;
  route.method = std::move(method);
  route.pattern = std::move(path);
  route.handler = std::move(handler);
  std::unique_lock lock(mu_);
  for (Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      r = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::Match(const std::string& method, const std::string& path) const {
  std::shared_lock lock(mu_);
  RouteMatch best;
  size_t best_score = 0;  // exact routes score above any prefix
  bool best_is_head_fallback = false;
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    bool matches =
        r.is_prefix ? path.compare(0, r.prefix.size(), r.prefix) == 0 : path == r.pattern;
    if (!matches) continue;
    allowed.insert(r.method);
    if (r.method == "GET") allowed.insert("HEAD");
    bool exact_method = r.method == method;
    bool head_fallback = method == "HEAD" && r.method == "GET";
    if (!exact_method && !head_fallback) continue;
    size_t score = r.is_prefix ? r.prefix.size() + 1 : std::string::npos;
    // Same path: an explicit HEAD route beats the GET fallback.
    if (score > best_score || (score == best_score && best_is_head_fallback && exact_method)) {
      best.kind = RouteMatch::Kind::kFound;
      best.handler = r.handler;
      best.pattern = r.pattern;
      best_score = score;
      best_is_head_fallback = head_fallback;
    }
  }
  if (best.kind == RouteMatch::Kind::kFound || allowed.empty()) return best;
  best.kind = RouteMatch::Kind::kWrongMethod;
  for (const std::string& m : allowed) {
    if (!best.allow.empty()) best.allow += ", ";
    best.allow += m;
  }
  return best;
}

}  // namespace muster::http

#include "dispatch/route.h"

namespace muster::dispatch {

std::optional<RoutePosition> FindRoute(
    Job& j, const std::vector<ContactChannel>& channels, const Routes& routes,
    const std::function<const BackendGate*(const std::string&)>& gate_of, int64_t now_ms,
    Availability want) {
  const bool want_resting = want == Availability::kResting;
  for (size_t ch = j.channel; ch < channels.size(); ++ch) {
    auto route = routes.find(channels[ch].kind);
    if (route == routes.end()) continue;
    const std::vector<std::string>& names = route->second;
    for (size_t bi = 0; bi < names.size(); ++bi) {
      const BackendGate* gate = gate_of(names[bi]);
      if (!gate) continue;
      if (j.Tries(ch, bi) >= gate->limits().max_attempts) continue;
      if (gate->Rests(now_ms) == want_resting) return RoutePosition{ch, bi, names[bi]};
    }
  }
  return std::nullopt;
}

}  // namespace muster::dispatch

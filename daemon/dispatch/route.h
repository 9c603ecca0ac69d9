// FindRoute: where a message's next try goes. The reservist's channels are
// tried in their order, and on each channel the backends its route lists
// (channels.* in the config), in order; a position (channel, backend) whose
// tries have reached the backend's max_attempts is spent. Pure: the gates
// are read, only the job's try counts may gain zero entries.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/backend_gate.h"
#include "dispatch/delivery_queue.h"
#include "roster/model.h"

namespace muster::dispatch {

// Backend names per channel kind, in order.
using Routes = std::map<ChannelKind, std::vector<std::string>>;

// Which positions to look for.
enum class Availability {
  kUsableNow,  // its breaker lets sends through now
  kResting,    // its breaker rests it (open, or half-open with the probe out)
};

struct RoutePosition {
  size_t channel = 0;  // index into the call-out's channels
  size_t backend = 0;  // index into that channel's route
  std::string name;    // the backend
};

// The first position from the job's channel on, with tries left, whose
// backend is `want`; nullopt when there is none. `gate_of` gives a
// backend's gate by name (nullptr: no such backend, skipped).
std::optional<RoutePosition> FindRoute(
    Job& j, const std::vector<ContactChannel>& channels, const Routes& routes,
    const std::function<const BackendGate*(const std::string&)>& gate_of, int64_t now_ms,
    Availability want);

}  // namespace muster::dispatch

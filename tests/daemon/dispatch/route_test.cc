// Route positions alone: channels in the reservist's order, backends in the
// route's order, spent and resting positions passed over.
#include "dispatch/route.h"

#include <catch2/catch.hpp>
#include <map>

using namespace muster;
using namespace muster::dispatch;

namespace {

constexpr int64_t kT0 = 1796148000000;

struct World {
  std::map<std::string, BackendGate> gates;
  Routes routes = {{ChannelKind::kSms, {"sms_a", "sms_b"}}, {ChannelKind::kEmail, {"mail"}}};
  std::vector<ContactChannel> channels = {{ChannelKind::kSms, "+447700900001"},
                                          {ChannelKind::kEmail, "jo@example.org"}};
  World() {
    notify::BackendLimits limits;
    limits.max_attempts = 2;
    limits.breaker_failures = 1;
    limits.breaker_cooldown_ms = 1000;
    for (const char* name : {"sms_a", "sms_b", "mail"}) {
      gates.emplace(name, BackendGate(limits, [] { return 0.5; }));
    }
  }
  std::optional<RoutePosition> Find(Job& j, Availability want, int64_t now = kT0) {
    return FindRoute(
        j, channels, routes,
        [this](const std::string& n) -> const BackendGate* {
          auto it = gates.find(n);
          return it == gates.end() ? nullptr : &it->second;
        },
        now, want);
  }
  void Rest(const std::string& name) {  // one temporary failure opens it
    gates.at(name).Started(99);
    gates.at(name).Finished(99, notify::SendOutcome::kRetry, kT0);
  }
};

bool Is(const std::optional<RoutePosition>& p, size_t channel, size_t backend, const char* name) {
  return p && p->channel == channel && p->backend == backend && p->name == name;
}

}  // namespace

TEST_CASE("the first channel's first backend goes first", "[dispatch][route]") {
  World w;
  Job j;
  CHECK(Is(w.Find(j, Availability::kUsableNow), 0, 0, "sms_a"));
  CHECK_FALSE(w.Find(j, Availability::kResting));
}

TEST_CASE("a spent backend gives way to the route's next, then to the next channel",
          "[dispatch][route]") {
  World w;
  Job j;
  j.Tries(0, 0) = 2;
  CHECK(Is(w.Find(j, Availability::kUsableNow), 0, 1, "sms_b"));
  j.Tries(0, 1) = 2;
  CHECK(Is(w.Find(j, Availability::kUsableNow), 1, 0, "mail"));
  j.Tries(1, 0) = 2;
  CHECK_FALSE(w.Find(j, Availability::kUsableNow));
  CHECK_FALSE(w.Find(j, Availability::kResting));
}

TEST_CASE("a resting backend is passed over for a usable one, and found as resting",
          "[dispatch][route]") {
  World w;
  Job j;
  w.Rest("sms_a");
  CHECK(Is(w.Find(j, Availability::kUsableNow), 0, 1, "sms_b"));
  CHECK(Is(w.Find(j, Availability::kResting), 0, 0, "sms_a"));
  // Once its rest is over it is usable again (half-open).
  CHECK(Is(w.Find(j, Availability::kUsableNow, kT0 + 1000), 0, 0, "sms_a"));
}

TEST_CASE("channels before the job's, without a route, or with unknown backends are skipped",
          "[dispatch][route]") {
  World w;
  Job j;
  j.channel = 1;  // the SMS channel failed for good
  CHECK(Is(w.Find(j, Availability::kUsableNow), 1, 0, "mail"));
  World no_route;
  no_route.routes.erase(ChannelKind::kSms);
  Job k;
  CHECK(Is(no_route.Find(k, Availability::kUsableNow), 1, 0, "mail"));
  World unknown;
  unknown.routes[ChannelKind::kSms] = {"gone", "sms_b"};
  Job m;
  CHECK(Is(unknown.Find(m, Availability::kUsableNow), 0, 1, "sms_b"));
}

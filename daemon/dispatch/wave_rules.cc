#include "dispatch/wave_rules.h"

#include "dispatch/callout_machine.h"

namespace muster::dispatch {

bool ExpiryDue(const LiveActivation& l, int64_t now_ms) {
  return l.a.state == ActivationState::kOpen && l.a.spec.end_unix() * 1000 <= now_ms;
}

bool WaveDeadlinePassed(const WaveRow& w, int64_t now_ms) {
  return !w.closed && w.deadline_ms <= now_ms;
}

bool TopUpDue(const LiveActivation& l, int64_t now_ms) {
  return l.topup_due_ms != 0 && l.topup_due_ms <= now_ms;
}

std::vector<int> WaveGaps(const std::vector<RequirementRecord>& requirements) {
  std::vector<int> gaps;
  gaps.reserve(requirements.size());
  for (const RequirementRecord& r : requirements) gaps.push_back(PlacesToAsk(r));
  return gaps;
}

}  // namespace muster::dispatch

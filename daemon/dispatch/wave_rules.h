// When the wave controller acts on a live activation, as pure functions of
// its state and "now": the activation's window ending, a wave's answer
// deadline passing, a top-up falling due, and what a new wave asks for.
// The dispatcher's sweep applies them (Expire, CloseWave, TopUp).
#pragma once

#include <cstdint>
#include <vector>

#include "dispatch/live_set.h"

namespace muster::dispatch {

// An open activation whose window (start + duration) has ended by now.
bool ExpiryDue(const LiveActivation& l, int64_t now_ms);
// Its answer deadline has passed and it is not closed yet.
bool WaveDeadlinePassed(const WaveRow& w, int64_t now_ms);
// A top-up is scheduled and due.
bool TopUpDue(const LiveActivation& l, int64_t now_ms);
// The people a new wave asks for, per requirement (PlacesToAsk); all zero
// when nothing is missing.
std::vector<int> WaveGaps(const std::vector<RequirementRecord>& requirements);

}  // namespace muster::dispatch

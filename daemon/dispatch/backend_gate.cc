#include "dispatch/backend_gate.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace muster::dispatch {

BackendGate::BackendGate(notify::BackendLimits limits, UnitRandom unit_random)
    : limits_(limits), unit_random_(std::move(unit_random)) {}

bool BackendGate::Rests(int64_t now_ms) const {
  return open_until_ms_ > now_ms || probe_job_ != 0;
}

bool BackendGate::TakeToken(int64_t now_ms) {
  const double rate = limits_.rate_per_second;
  if (rate <= 0) return true;
  const double burst = std::max(1.0, rate);
  if (last_refill_ms_ < 0) {  // a full bucket to start with
    tokens_ = burst;
    last_refill_ms_ = now_ms;
  }
  tokens_ =
      std::min(burst, tokens_ + static_cast<double>(now_ms - last_refill_ms_) * rate / 1000.0);
  last_refill_ms_ = now_ms;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

int64_t BackendGate::RefillWaitMs() const {
  if (limits_.rate_per_second <= 0) return 0;
  return static_cast<int64_t>(1000.0 / limits_.rate_per_second) + 1;
}

void BackendGate::Started(int64_t job_id) {
  ++in_flight_;
  if (open_until_ms_ != 0) probe_job_ = job_id;  // the rest is over: this is the probe
}

BackendGate::BreakerChange BackendGate::Finished(int64_t job_id, notify::SendOutcome outcome,
                                                 int64_t now_ms) {
  if (in_flight_ > 0) --in_flight_;
  const bool probe = probe_job_ != 0 && probe_job_ == job_id;
  if (probe) probe_job_ = 0;
  if (outcome != notify::SendOutcome::kRetry) {
    consecutive_failures_ = 0;
    open_until_ms_ = 0;
    return BreakerChange::kNone;
  }
  ++consecutive_failures_;
  if (probe || (open_until_ms_ == 0 && consecutive_failures_ >= limits_.breaker_failures)) {
    open_until_ms_ = now_ms + limits_.breaker_cooldown_ms;
    return BreakerChange::kOpened;
  }
  return BreakerChange::kNone;
}

int64_t BackendGate::Backoff(int attempt) {
  double base = limits_.backoff_initial_ms * std::pow(2.0, std::max(0, attempt - 1));
  base = std::min<double>(base, limits_.backoff_max_ms);
  const double jitter = 0.8 + 0.4 * unit_random_();
  return static_cast<int64_t>(base * jitter);
}

std::optional<int64_t> BackendGate::Unpark() {
  if (waiting_.empty() || !HasRoom() || probe_job_ != 0) return std::nullopt;
  int64_t next = waiting_.front();
  waiting_.pop_front();
  return next;
}

}  // namespace muster::dispatch

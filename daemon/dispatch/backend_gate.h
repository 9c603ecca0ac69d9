// BackendGate: what decides whether a message may go to one notifier backend
// now. Pure bookkeeping (no I/O, no timers, no clock of its own): the caller
// passes "now" in, and the gate holds
// - the concurrency limit (sends in flight) and the jobs parked behind it,
// - the rate limit, a token bucket of `rate_per_second` tokens a second
//   holding at most max(1, rate_per_second),
// - the circuit breaker: closed; open after `breaker_failures` temporary
//   failures in a row, skipped for `breaker_cooldown_ms`; then half-open,
//   when the next send is the one probe and the others wait for its result,
//   which closes the breaker or opens it again,
// - the retry backoff: initial x 2^(try-1), at most backoff_max_ms, times a
//   jitter in [0.8, 1.2) drawn from the random source it is given.
//
// Not thread-safe: the dispatcher uses each gate on its own thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "notify/notifier.h"

namespace muster::dispatch {

class BackendGate {
 public:
  // Uniform random numbers in [0, 1), for the backoff's jitter.
  using UnitRandom = std::function<double()>;

  BackendGate(notify::BackendLimits limits, UnitRandom unit_random);

  const notify::BackendLimits& limits() const { return limits_; }

  // The breaker keeps sends away: open (before its cooldown ends), or
  // half-open with its probe in flight.
  bool Rests(int64_t now_ms) const;
  // A probe is in flight (half-open): every other send waits for its result.
  bool ProbeInFlight() const { return probe_job_ != 0; }
  // Open or half-open (the breaker has not closed since it last opened).
  bool IsOpen() const { return open_until_ms_ != 0; }
  int consecutive_failures() const { return consecutive_failures_; }

  // Another send may start without passing the concurrency limit.
  bool HasRoom() const { return in_flight_ < limits_.concurrency; }
  int in_flight() const { return in_flight_; }

  // Takes one token from the bucket (refilled for the time since the last
  // call); false when none is left. Always true without a rate limit.
  bool TakeToken(int64_t now_ms);
  // How long after a refused TakeToken one token has surely refilled.
  int64_t RefillWaitMs() const;

  // A send of `job_id` starts: it is in flight, and when the breaker's rest
  // is over (half-open) it is the probe.
  void Started(int64_t job_id);
  enum class BreakerChange { kNone, kOpened };
  // A send of `job_id` finished with `outcome`: any answer from the
  // receiver (delivered, sent, permanent for one address) shows the backend
  // works and closes the breaker; a temporary failure counts, and
  // breaker_failures in a row, or a failed probe, open it until now +
  // breaker_cooldown_ms. Results of sends started before it opened change
  // nothing else. kOpened when this result opened it.
  BreakerChange Finished(int64_t job_id, notify::SendOutcome outcome, int64_t now_ms);

  // The delay before try `attempt` + 1 after `attempt` tries failed
  // (attempt >= 1), with jitter.
  int64_t Backoff(int attempt);

  // Jobs waiting for room (or for the probe's result), first come first.
  void Park(int64_t job_id) { waiting_.push_back(job_id); }
  // The next parked job when one may start now (room, no probe in flight).
  std::optional<int64_t> Unpark();

 private:
  notify::BackendLimits limits_;
  UnitRandom unit_random_;
  int in_flight_ = 0;
  int consecutive_failures_ = 0;
  int64_t open_until_ms_ = 0;  // 0 = closed
  int64_t probe_job_ = 0;      // the probe in flight, 0 = none
  double tokens_ = 0;
  int64_t last_refill_ms_ = -1;  // -1 = the bucket was never used
  std::deque<int64_t> waiting_;
};

}  // namespace muster::dispatch

// The per-backend gate alone: time is a number the test moves, the jitter's
// random source is scripted.
#include "dispatch/backend_gate.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace muster;
using namespace muster::dispatch;
using notify::SendOutcome;

namespace {

constexpr int64_t kT0 = 1796148000000;

notify::BackendLimits Limits() {
  notify::BackendLimits l;
  l.concurrency = 2;
  l.rate_per_second = 0;
  l.max_attempts = 5;
  l.backoff_initial_ms = 500;
  l.backoff_max_ms = 60000;
  l.breaker_failures = 3;
  l.breaker_cooldown_ms = 30000;
  return l;
}

BackendGate Gate(notify::BackendLimits limits, double unit = 0.5) {
  return BackendGate(limits, [unit] { return unit; });
}

}  // namespace

TEST_CASE("the token bucket starts full, empties, and refills at the rate", "[dispatch][gate]") {
  notify::BackendLimits limits = Limits();
  limits.rate_per_second = 4;  // a bucket of 4 tokens, one every 250 ms
  BackendGate gate = Gate(limits);
  for (int i = 0; i < 4; ++i) CHECK(gate.TakeToken(kT0));
  CHECK_FALSE(gate.TakeToken(kT0));
  CHECK(gate.RefillWaitMs() == 251);
  CHECK_FALSE(gate.TakeToken(kT0 + 249));  // 0.996 of a token
  CHECK(gate.TakeToken(kT0 + 250));
  CHECK_FALSE(gate.TakeToken(kT0 + 250));
  // A long pause refills no more than the bucket holds.
  int taken = 0;
  for (int i = 0; i < 10; ++i) taken += gate.TakeToken(kT0 + 3600000);
  CHECK(taken == 4);
}

TEST_CASE("a rate under one a second holds one token", "[dispatch][gate]") {
  notify::BackendLimits limits = Limits();
  limits.rate_per_second = 0.5;
  BackendGate gate = Gate(limits);
  CHECK(gate.TakeToken(kT0));
  CHECK_FALSE(gate.TakeToken(kT0 + 1999));
  CHECK(gate.RefillWaitMs() == 2001);
  CHECK(gate.TakeToken(kT0 + 2000));
  // Ten seconds later (five tokens' worth) the bucket still holds one.
  CHECK(gate.TakeToken(kT0 + 12000));
  CHECK_FALSE(gate.TakeToken(kT0 + 12000));
}

TEST_CASE("without a rate limit every token is there", "[dispatch][gate]") {
  BackendGate gate = Gate(Limits());
  for (int i = 0; i < 1000; ++i) REQUIRE(gate.TakeToken(kT0));
  CHECK(gate.RefillWaitMs() == 0);
}

TEST_CASE("the concurrency limit parks jobs until a send finishes", "[dispatch][gate]") {
  BackendGate gate = Gate(Limits());
  CHECK(gate.HasRoom());
  gate.Started(1);
  gate.Started(2);
  CHECK_FALSE(gate.HasRoom());
  gate.Park(3);
  gate.Park(4);
  CHECK_FALSE(gate.Unpark());  // still full
  gate.Finished(1, SendOutcome::kDelivered, kT0);
  CHECK(gate.Unpark() == std::optional<int64_t>(3));  // first come first
  gate.Started(3);
  CHECK_FALSE(gate.Unpark());
  gate.Finished(2, SendOutcome::kSent, kT0);
  CHECK(gate.Unpark() == std::optional<int64_t>(4));
  CHECK_FALSE(gate.Unpark());  // none left
}

TEST_CASE("the breaker opens, lets one probe through half-open, and closes on its success",
          "[dispatch][gate]") {
  BackendGate gate = Gate(Limits());
  for (int64_t job = 1; job <= 2; ++job) {
    gate.Started(job);
    CHECK(gate.Finished(job, SendOutcome::kRetry, kT0) == BackendGate::BreakerChange::kNone);
  }
  CHECK_FALSE(gate.Rests(kT0));
  gate.Started(3);
  CHECK(gate.Finished(3, SendOutcome::kRetry, kT0) == BackendGate::BreakerChange::kOpened);
  CHECK(gate.IsOpen());
  CHECK(gate.consecutive_failures() == 3);
  CHECK(gate.Rests(kT0));
  CHECK(gate.Rests(kT0 + 29999));
  // Half-open: the cooldown is over; the next send is the probe and the
  // others wait for it.
  CHECK_FALSE(gate.Rests(kT0 + 30000));
  gate.Started(4);
  CHECK(gate.ProbeInFlight());
  CHECK(gate.Rests(kT0 + 30000));
  gate.Park(5);
  CHECK_FALSE(gate.Unpark());  // room, but the probe has no answer yet
  CHECK(gate.Finished(4, SendOutcome::kDelivered, kT0 + 30100) ==
        BackendGate::BreakerChange::kNone);
  CHECK_FALSE(gate.IsOpen());
  CHECK_FALSE(gate.ProbeInFlight());
  CHECK(gate.consecutive_failures() == 0);
  CHECK_FALSE(gate.Rests(kT0 + 30100));
  CHECK(gate.Unpark() == std::optional<int64_t>(5));
}

TEST_CASE("a failed probe opens the breaker again for a whole cooldown", "[dispatch][gate]") {
  BackendGate gate = Gate(Limits());
  for (int64_t job = 1; job <= 3; ++job) {
    gate.Started(job);
    gate.Finished(job, SendOutcome::kRetry, kT0);
  }
  gate.Started(10);  // the probe, half-open
  CHECK(gate.Finished(10, SendOutcome::kRetry, kT0 + 31000) == BackendGate::BreakerChange::kOpened);
  CHECK(gate.Rests(kT0 + 31000 + 29999));
  CHECK_FALSE(gate.Rests(kT0 + 31000 + 30000));
}

TEST_CASE("late results of sends started before the breaker opened do not reopen it",
          "[dispatch][gate]") {
  notify::BackendLimits limits = Limits();
  limits.concurrency = 10;
  BackendGate gate = Gate(limits);
  for (int64_t job = 1; job <= 5; ++job) gate.Started(job);
  for (int64_t job = 1; job <= 3; ++job) gate.Finished(job, SendOutcome::kRetry, kT0);
  CHECK(gate.IsOpen());
  // Job 4 fails later: counted, but the rest still ends at kT0 + cooldown.
  CHECK(gate.Finished(4, SendOutcome::kRetry, kT0 + 10000) == BackendGate::BreakerChange::kNone);
  CHECK(gate.consecutive_failures() == 4);
  CHECK_FALSE(gate.Rests(kT0 + 30000));
  // Job 5 is answered by the receiver: the backend works, the breaker closes.
  gate.Finished(5, SendOutcome::kPermanent, kT0 + 10001);
  CHECK_FALSE(gate.IsOpen());
  CHECK(gate.consecutive_failures() == 0);
}

TEST_CASE("a permanent failure is an answer from the receiver: it resets the failure count",
          "[dispatch][gate]") {
  BackendGate gate = Gate(Limits());
  for (int64_t job = 1; job <= 2; ++job) {
    gate.Started(job);
    gate.Finished(job, SendOutcome::kRetry, kT0);
  }
  gate.Started(3);
  gate.Finished(3, SendOutcome::kPermanent, kT0);
  gate.Started(4);
  CHECK(gate.Finished(4, SendOutcome::kRetry, kT0) == BackendGate::BreakerChange::kNone);
  CHECK_FALSE(gate.IsOpen());
}

TEST_CASE("backoff doubles from the initial delay up to the maximum", "[dispatch][gate]") {
  notify::BackendLimits limits = Limits();
  limits.backoff_initial_ms = 500;
  limits.backoff_max_ms = 3000;
  BackendGate gate = Gate(limits, 0.5);  // jitter factor exactly 1
  CHECK(gate.Backoff(1) == 500);
  CHECK(gate.Backoff(2) == 1000);
  CHECK(gate.Backoff(3) == 2000);
  CHECK(gate.Backoff(4) == 3000);
  CHECK(gate.Backoff(40) == 3000);
  CHECK(gate.Backoff(0) == 500);
}

TEST_CASE("backoff jitter stays within 0.8 to 1.2 of the delay", "[dispatch][gate]") {
  notify::BackendLimits limits = Limits();
  limits.backoff_initial_ms = 1000;
  std::vector<double> draws = {0.0, 0.25, 0.999999};
  size_t next = 0;
  BackendGate gate(limits, [&] { return draws[next++ % draws.size()]; });
  CHECK(gate.Backoff(1) == 800);
  CHECK(gate.Backoff(1) == 900);
  CHECK(gate.Backoff(1) == 1199);
  // With the production source every draw stays in range.
  BackendGate real(limits, [] {
    static std::mt19937_64 rng{42};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  });
  int64_t lo = 1 << 30, hi = 0;
  for (int i = 0; i < 2000; ++i) {
    int64_t d = real.Backoff(2);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  CHECK(lo >= 1600);
  CHECK(hi < 2400);
  CHECK(hi - lo > 600);  // it does vary
}

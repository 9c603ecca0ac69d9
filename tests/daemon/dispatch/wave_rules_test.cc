// The wave controller's timing rules alone, against a clock the test sets.
#include "dispatch/wave_rules.h"

#include <catch2/catch.hpp>

using namespace muster;
using namespace muster::dispatch;

namespace {

constexpr int64_t kStart = 1796148000;  // Unix seconds

LiveActivation Open(int duration_minutes) {
  LiveActivation l;
  l.a.state = ActivationState::kOpen;
  l.a.spec.start_unix = kStart;
  l.a.spec.duration_minutes = duration_minutes;
  return l;
}

RequirementRecord Need(int count, int accepted, int pending) {
  RequirementRecord r;
  r.requirement.count = count;
  r.accepted = accepted;
  r.pending = pending;
  return r;
}

}  // namespace

TEST_CASE("an open activation expires when its window ends, not before", "[dispatch][waves]") {
  LiveActivation l = Open(60);
  const int64_t end_ms = (kStart + 3600) * 1000;
  CHECK_FALSE(ExpiryDue(l, end_ms - 1));
  CHECK(ExpiryDue(l, end_ms));
  CHECK(ExpiryDue(l, end_ms + 86400000));
  // Filled or ended activations do not expire again.
  for (ActivationState s : {ActivationState::kFilled, ActivationState::kCancelled,
                            ActivationState::kStoodDown, ActivationState::kExpired}) {
    l.a.state = s;
    CHECK_FALSE(ExpiryDue(l, end_ms));
  }
}

TEST_CASE("a wave closes once, when its deadline has passed", "[dispatch][waves]") {
  WaveRow w;
  w.deadline_ms = kStart * 1000 + 900000;
  CHECK_FALSE(WaveDeadlinePassed(w, w.deadline_ms - 1));
  CHECK(WaveDeadlinePassed(w, w.deadline_ms));
  w.closed = true;
  CHECK_FALSE(WaveDeadlinePassed(w, w.deadline_ms + 1));
}

TEST_CASE("a top-up runs when scheduled and due", "[dispatch][waves]") {
  LiveActivation l = Open(60);
  CHECK_FALSE(TopUpDue(l, kStart * 1000));  // none scheduled
  l.topup_due_ms = kStart * 1000 + 500;
  CHECK_FALSE(TopUpDue(l, kStart * 1000 + 499));
  CHECK(TopUpDue(l, kStart * 1000 + 500));
}

TEST_CASE("a new wave asks for what accepts and awaited answers leave open", "[dispatch][waves]") {
  CHECK(WaveGaps({Need(3, 1, 1), Need(2, 0, 0), Need(1, 1, 0), Need(2, 0, 5)}) ==
        std::vector<int>{1, 2, 0, 0});
  CHECK(WaveGaps({}).empty());
}

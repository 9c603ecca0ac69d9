// The call-out state machine and requirement rules alone: every event from
// every state, every answer from every state, and the counts kept as a
// call-out moves, checked against counting the call-outs afresh (as the
// activation store does when it reads them back).
#include "dispatch/callout_machine.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <utility>
#include <vector>

using namespace muster;
using namespace muster::dispatch;

namespace {

using S = CalloutState;
using E = CalloutEvent;
constexpr S kAll[] = {S::kQueued,   S::kSent,     S::kDelivered, S::kFailed,
                      S::kAccepted, S::kDeclined, S::kNoAnswer,  S::kStoodDown};
constexpr std::optional<S> kRefused = std::nullopt;

RequirementRecord Places(int count, int accepted) {
  RequirementRecord r;
  r.requirement.skill = "first_aid";
  r.requirement.count = count;
  r.accepted = accepted;
  return r;
}

}  // namespace

TEST_CASE("every event moves a call-out as the table says, and is refused elsewhere",
          "[dispatch][machine]") {
  // Expected state after each event, by state; kRefused = not applied.
  const std::map<E, std::map<S, std::optional<S>>> table = {
      {E::kSent, {{S::kQueued, S::kSent}, {S::kSent, S::kSent}, {S::kDelivered, S::kDelivered}}},
      {E::kDelivered,
       {{S::kQueued, S::kDelivered}, {S::kSent, S::kDelivered}, {S::kDelivered, S::kDelivered}}},
      {E::kDeliveryFailed,
       {{S::kQueued, S::kQueued}, {S::kSent, S::kSent}, {S::kDelivered, S::kDelivered}}},
      {E::kGaveUp, {{S::kQueued, S::kFailed}, {S::kSent, S::kFailed}, {S::kDelivered, S::kFailed}}},
      {E::kDeadlinePassed,
       {{S::kQueued, S::kNoAnswer}, {S::kSent, S::kNoAnswer}, {S::kDelivered, S::kNoAnswer}}},
      {E::kNotNeeded,
       {{S::kQueued, S::kStoodDown}, {S::kSent, S::kStoodDown}, {S::kDelivered, S::kStoodDown}}},
      {E::kReleased,
       {{S::kQueued, S::kStoodDown},
        {S::kSent, S::kStoodDown},
        {S::kDelivered, S::kStoodDown},
        {S::kAccepted, S::kStoodDown}}},
  };
  for (const auto& [event, moves] : table) {
    for (S from : kAll) {
      auto it = moves.find(from);
      std::optional<S> expected = it == moves.end() ? kRefused : it->second;
      INFO("event " << static_cast<int>(event) << " from " << CalloutStateName(from));
      CHECK(NextState(from, event) == expected);
    }
  }
}

TEST_CASE("a stand-down reaches accepted call-outs only when the activation ends",
          "[dispatch][machine]") {
  CHECK(NextState(S::kAccepted, StandDownEvent(StandDownScope::kAwaitingAnswer)) == kRefused);
  CHECK(NextState(S::kAccepted, StandDownEvent(StandDownScope::kAwaitingAnswerOrAccepted)) ==
        S::kStoodDown);
  CHECK(NextState(S::kSent, StandDownEvent(StandDownScope::kAwaitingAnswer)) == S::kStoodDown);
  CHECK(NextState(S::kDeclined, StandDownEvent(StandDownScope::kAwaitingAnswerOrAccepted)) ==
        kRefused);
}

TEST_CASE("an accept is recorded from every state that is not final, late ones included",
          "[dispatch][machine]") {
  const RequirementRecord open = Places(2, 1);
  for (S from : {S::kQueued, S::kSent, S::kDelivered, S::kFailed, S::kDeclined, S::kNoAnswer}) {
    INFO(CalloutStateName(from));
    AnswerStep step = DecideAnswer(from, AnswerKind::kAccept, ActivationState::kOpen, open);
    CHECK(step.outcome == AnswerOutcome::kRecorded);
    CHECK(step.to == S::kAccepted);
    CHECK(std::string(step.reply) == "accepted");
    CHECK_FALSE(step.withdrew);
  }
}

TEST_CASE("the same answer twice is already answered and changes nothing", "[dispatch][machine]") {
  const RequirementRecord r = Places(2, 2);
  AnswerStep a = DecideAnswer(S::kAccepted, AnswerKind::kAccept, ActivationState::kFilled, r);
  CHECK(a.outcome == AnswerOutcome::kAlreadyAnswered);
  CHECK_FALSE(a.to);
  CHECK(std::string(a.reply) == "accepted");
  // Even on an activation that ended since.
  AnswerStep d = DecideAnswer(S::kDeclined, AnswerKind::kDecline, ActivationState::kCancelled, r);
  CHECK(d.outcome == AnswerOutcome::kAlreadyAnswered);
  CHECK_FALSE(d.to);
  CHECK(std::string(d.reply) == "declined");
}

TEST_CASE("answers on an ended activation or a stood-down call-out are no longer needed",
          "[dispatch][machine]") {
  const RequirementRecord r = Places(2, 0);
  for (ActivationState a :
       {ActivationState::kCancelled, ActivationState::kStoodDown, ActivationState::kExpired}) {
    for (AnswerKind k : {AnswerKind::kAccept, AnswerKind::kDecline}) {
      AnswerStep step = DecideAnswer(S::kDelivered, k, a, r);
      CHECK(step.outcome == AnswerOutcome::kNoLongerNeeded);
      CHECK_FALSE(step.to);
      CHECK(std::string(step.reply) == "no_longer_needed");
    }
  }
  AnswerStep step = DecideAnswer(S::kStoodDown, AnswerKind::kAccept, ActivationState::kOpen, r);
  CHECK(step.outcome == AnswerOutcome::kNoLongerNeeded);
  CHECK_FALSE(step.to);
}

TEST_CASE("an accept after the places filled stands a waiting call-out down",
          "[dispatch][machine]") {
  const RequirementRecord full = Places(2, 2);
  AnswerStep waiting = DecideAnswer(S::kSent, AnswerKind::kAccept, ActivationState::kOpen, full);
  CHECK(waiting.outcome == AnswerOutcome::kNoLongerNeeded);
  CHECK(waiting.to == S::kStoodDown);
  // One that is no longer waiting (it failed, or declined before) stays.
  AnswerStep failed = DecideAnswer(S::kFailed, AnswerKind::kAccept, ActivationState::kOpen, full);
  CHECK(failed.outcome == AnswerOutcome::kNoLongerNeeded);
  CHECK_FALSE(failed.to);
  // A decline still counts when the places are filled.
  AnswerStep no = DecideAnswer(S::kSent, AnswerKind::kDecline, ActivationState::kFilled, full);
  CHECK(no.outcome == AnswerOutcome::kRecorded);
  CHECK(no.to == S::kDeclined);
}

TEST_CASE("declining after accepting is a withdrawal", "[dispatch][machine]") {
  const RequirementRecord r = Places(1, 1);
  AnswerStep step = DecideAnswer(S::kAccepted, AnswerKind::kDecline, ActivationState::kFilled, r);
  CHECK(step.outcome == AnswerOutcome::kRecorded);
  CHECK(step.to == S::kDeclined);
  CHECK(step.withdrew);
  CHECK_FALSE(
      DecideAnswer(S::kDelivered, AnswerKind::kDecline, ActivationState::kOpen, r).withdrew);
}

TEST_CASE("requirements fill on accepts, activations when every requirement does",
          "[dispatch][machine]") {
  CHECK_FALSE(IsFilled(Places(2, 1)));
  CHECK(IsFilled(Places(2, 2)));
  CHECK(IsFilled(Places(2, 3)));
  CHECK(AllFilled({Places(1, 1), Places(2, 2)}));
  CHECK_FALSE(AllFilled({Places(1, 1), Places(2, 1)}));
  CHECK(AllFilled({}));
  CHECK(IsEnded(ActivationState::kCancelled));
  CHECK(IsEnded(ActivationState::kStoodDown));
  CHECK(IsEnded(ActivationState::kExpired));
  CHECK_FALSE(IsEnded(ActivationState::kOpen));
  CHECK_FALSE(IsEnded(ActivationState::kFilled));
}

TEST_CASE("a new wave asks for the places neither accepted nor awaiting an answer",
          "[dispatch][machine]") {
  RequirementRecord r = Places(5, 1);
  r.pending = 2;
  r.eligible = 40;  // people not yet asked do not reduce what a wave asks for
  CHECK(PlacesToAsk(r) == 2);
  CHECK(PlacesToAsk(r) == ShortfallOf(r, /*exhausted=*/true));
  CHECK(ShortfallOf(r) == 0);
  r.pending = 7;
  CHECK(PlacesToAsk(r) == 0);
  r.pending = 0;
  r.accepted = 6;
  CHECK(PlacesToAsk(r) == 0);
}

TEST_CASE("counts kept move by move equal the call-outs counted afresh", "[dispatch][machine]") {
  std::mt19937 rng(11);
  constexpr E kEvents[] = {E::kSent,           E::kDelivered, E::kDeliveryFailed, E::kGaveUp,
                           E::kDeadlinePassed, E::kNotNeeded, E::kReleased};
  std::vector<S> callouts(30, S::kQueued);
  RequirementRecord kept = Places(10, 0);
  for (S s : callouts) CountCallout(kept, s);
  for (int step = 0; step < 2000; ++step) {
    S& c = callouts[rng() % callouts.size()];
    S to;
    if (rng() % 4 == 0) {
      AnswerKind k = rng() % 2 ? AnswerKind::kAccept : AnswerKind::kDecline;
      auto answer = DecideAnswer(c, k, ActivationState::kOpen, kept);
      if (!answer.to) continue;
      to = *answer.to;
    } else {
      auto next = NextState(c, kEvents[rng() % std::size(kEvents)]);
      if (!next) continue;
      to = *next;
    }
    MoveCallout(kept, c, to);
    c = to;
    RequirementRecord fresh = Places(10, 0);
    for (S s : callouts) CountCallout(fresh, s);
    REQUIRE(kept.pending == fresh.pending);
    REQUIRE(kept.delivered == fresh.delivered);
    REQUIRE(kept.accepted == fresh.accepted);
    REQUIRE(kept.declined == fresh.declined);
    REQUIRE(kept.unreachable == fresh.unreachable);
    REQUIRE(ShortfallOf(kept) == ShortfallOf(fresh));
  }
}

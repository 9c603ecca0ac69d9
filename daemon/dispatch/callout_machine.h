// The call-out state machine and the requirement rules the dispatcher
// applies, as pure functions of states and counts (no I/O, no clock): which
// state an event moves a call-out to, or that it is refused; what an answer
// does; when a requirement and an activation are filled; how many more
// people a new wave asks for. The counts themselves are kept with
// CountCallout/MoveCallout and the shortfall with ShortfallOf
// (activation/activation.h), shared with the activation store.
#pragma once

#include <optional>
#include <vector>

#include "activation/activation.h"

namespace muster::dispatch {

enum class AnswerKind { kAccept, kDecline };
enum class AnswerOutcome { kRecorded, kAlreadyAnswered, kNoLongerNeeded };

// What happens to a call-out, other than an answer.
enum class CalloutEvent {
  kSent,            // a notifier took its message
  kDelivered,       // the receiver confirmed it (send result or delivery receipt)
  kDeliveryFailed,  // a try, or a delivery receipt, failed; another may follow
  kGaveUp,          // every channel and backend failed
  kDeadlinePassed,  // its wave's answer deadline passed
  kNotNeeded,       // its requirement or the activation filled
  kReleased,        // the activation ended: stood down even when accepted
};

// The state a call-out in `from` is in after `event`, or nullopt when the
// event is refused for it (a send result for a call-out answered meanwhile,
// a deadline for one already answered, ...). Never downgrades a delivered
// call-out to sent; kDeliveryFailed keeps the state (the error is recorded).
std::optional<CalloutState> NextState(CalloutState from, CalloutEvent event);

// Which call-outs a stand-down reaches.
enum class StandDownScope {
  kAwaitingAnswer,            // a requirement or the activation filled
  kAwaitingAnswerOrAccepted,  // the activation was cancelled or stood down
};
inline CalloutEvent StandDownEvent(StandDownScope scope) {
  return scope == StandDownScope::kAwaitingAnswer ? CalloutEvent::kNotNeeded
                                                  : CalloutEvent::kReleased;
}

// What an answer does to a call-out.
struct AnswerStep {
  AnswerOutcome outcome = AnswerOutcome::kRecorded;
  // The call-out's new state; nullopt = unchanged.
  std::optional<CalloutState> to;
  // The reply's word for AnswerReply: "accepted", "declined",
  // "no_longer_needed".
  const char* reply = "";
  // An accepted reservist declined (a FILLED activation reopens).
  bool withdrew = false;
};

// An answer `answer` to a call-out in `from`, on an activation in
// `activation`, for requirement `r` (its counts before the answer):
// - the same answer again: already answered, nothing changes;
// - the activation is over, or the call-out stood down: no longer needed;
// - an accept when the places are filled: no longer needed, and a call-out
//   still awaiting an answer is stood down;
// - otherwise recorded: accepted, or declined (also after accepting: a
//   withdrawal). Late answers (after a deadline or a failure) count.
AnswerStep DecideAnswer(CalloutState from, AnswerKind answer, ActivationState activation,
                        const RequirementRecord& r);

// Cancelled, stood down or expired.
bool IsEnded(ActivationState s);
// Every place of the requirement is taken.
inline bool IsFilled(const RequirementRecord& r) {
  return r.accepted >= r.requirement.count;
}
// Every requirement is filled.
bool AllFilled(const std::vector<RequirementRecord>& requirements);
// How many more people a new wave asks for this requirement: the places
// not taken by an accept or an answer still awaited. The shortfall as if
// nobody were left unasked (ShortfallOf with exhausted), one formula.
inline int PlacesToAsk(const RequirementRecord& r) {
  return ShortfallOf(r, /*exhausted=*/true);
}

}  // namespace muster::dispatch

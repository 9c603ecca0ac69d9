#include "dispatch/callout_machine.h"

namespace muster::dispatch {

std::optional<CalloutState> NextState(CalloutState from, CalloutEvent event) {
  const bool awaiting = IsAwaitingAnswer(from);
  switch (event) {
    case CalloutEvent::kSent:
      if (!awaiting) return std::nullopt;
      return from == CalloutState::kDelivered ? CalloutState::kDelivered : CalloutState::kSent;
    case CalloutEvent::kDelivered:
      if (!awaiting) return std::nullopt;
      return CalloutState::kDelivered;
    case CalloutEvent::kDeliveryFailed:
      if (!awaiting) return std::nullopt;
      return from;
    case CalloutEvent::kGaveUp:
      if (!awaiting) return std::nullopt;
      return CalloutState::kFailed;
    case CalloutEvent::kDeadlinePassed:
      if (!awaiting) return std::nullopt;
      return CalloutState::kNoAnswer;
    case CalloutEvent::kNotNeeded:
      if (!awaiting) return std::nullopt;
      return CalloutState::kStoodDown;
    case CalloutEvent::kReleased:
      if (!awaiting && from != CalloutState::kAccepted) return std::nullopt;
      return CalloutState::kStoodDown;
  }
  return std::nullopt;
}

AnswerStep DecideAnswer(CalloutState from, AnswerKind answer, ActivationState activation,
                        const RequirementRecord& r) {
  const bool accept = answer == AnswerKind::kAccept;
  AnswerStep step;
  if (from == (accept ? CalloutState::kAccepted : CalloutState::kDeclined)) {
    step.outcome = AnswerOutcome::kAlreadyAnswered;
    step.reply = accept ? "accepted" : "declined";
    return step;
  }
  const bool live = activation == ActivationState::kOpen || activation == ActivationState::kFilled;
  if (!live || from == CalloutState::kStoodDown) {
    step.outcome = AnswerOutcome::kNoLongerNeeded;
    step.reply = "no_longer_needed";
    return step;
  }
  if (accept && IsFilled(r)) {
    step.outcome = AnswerOutcome::kNoLongerNeeded;
    step.reply = "no_longer_needed";
    if (IsAwaitingAnswer(from)) step.to = CalloutState::kStoodDown;
    return step;
  }
  step.outcome = AnswerOutcome::kRecorded;
  step.to = accept ? CalloutState::kAccepted : CalloutState::kDeclined;
  step.reply = accept ? "accepted" : "declined";
  step.withdrew = !accept && from == CalloutState::kAccepted;
  return step;
}

bool IsEnded(ActivationState s) {
  return s == ActivationState::kCancelled || s == ActivationState::kStoodDown ||
         s == ActivationState::kExpired;
}

bool AllFilled(const std::vector<RequirementRecord>& requirements) {
  for (const auto& r : requirements) {
    if (!IsFilled(r)) return false;
  }
  return true;
}

}  // namespace muster::dispatch

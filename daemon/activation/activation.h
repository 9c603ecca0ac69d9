// The activation domain model: what a planner asks for, and what Muster
// stored about it. Plain value types; no I/O, no protobuf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ranking/rank_request.h"
#include "ranking/selection.h"
#include "roster/area_scope.h"

namespace muster {

enum class ActivationState { kOpen = 1, kFilled = 2, kStoodDown = 3, kCancelled = 4, kExpired = 5 };
enum class Priority { kRoutine = 1, kUrgent = 2, kEmergency = 3 };

// "open", "filled", "stood_down", "cancelled", "expired".
const char* ActivationStateName(ActivationState state);

// Where a call-out stands (values as stored in callouts.state).
enum class CalloutState {
  kQueued = 1,     // stored; not yet handed to a notifier
  kSent = 2,       // a notifier took it
  kDelivered = 3,  // the receiver confirmed it
  kFailed = 4,     // every channel and backend failed
  kAccepted = 5,
  kDeclined = 6,
  kNoAnswer = 7,   // the wave's deadline passed unanswered
  kStoodDown = 8,  // no longer needed, or released
};

// "queued", "sent", "delivered", "failed", "accepted", "declined",
// "no_answer", "stood_down".
const char* CalloutStateName(CalloutState state);
// Still waiting for an answer: queued, sent or delivered.
inline bool IsAwaitingAnswer(CalloutState s) {
  return s == CalloutState::kQueued || s == CalloutState::kSent || s == CalloutState::kDelivered;
}

struct ActivationSpec {
  std::string title;    // required, <= 200 chars
  std::string message;  // <= 1000 chars
  double lat = 0;       // WGS84 degrees
  double lon = 0;
  double radius_km = 0;    // (0, 1000]
  int64_t start_unix = 0;  // Unix seconds; at most 24 h in the past
  // Start when the daemon takes the request: ValidateSpec sets start_unix to
  // its clock's now, and SpecDigest (the idempotency check) hashes "now"
  // instead of that instant, so a retry is the same request.
  bool start_now = false;
  int32_t duration_minutes = 0;  // 1..43200
  std::vector<Requirement> requirements;
  int32_t answer_within_minutes = 15;  // 1..1440 (0 on input = 15)
  Priority priority = Priority::kUrgent;
  // Home areas whose reservists may be asked, sorted and unique; empty =
  // every area. Set from the caller's request and token (AreaScope).
  std::vector<std::string> areas;

  int64_t end_unix() const { return start_unix + int64_t{duration_minutes} * 60; }
  friend bool operator==(const ActivationSpec&, const ActivationSpec&) = default;
};

struct StateChange {
  ActivationState state = ActivationState::kOpen;
  int64_t at_ms = 0;
  std::string reason;
};

// A reservist asked on an activation.
struct Callout {
  int64_t id = 0;
  RankedCandidate candidate;   // requirement, rank, distance, level, score parts
  std::string reservist_name;  // as when asked
  int wave = 1;
  std::string idempotency_key;  // stable per call-out
  CalloutState state = CalloutState::kQueued;
  int channel_kind = 0;    // ChannelKind last used; 0 = none yet
  std::string backend;     // notifier last used
  std::string last_error;  // latest failure, "" if none
  int64_t updated_at_ms = 0;
};

// Per requirement: what was found and asked.
struct RequirementRecord {
  ResolvedRequirement requirement;  // min_level resolved from the catalogue
  int64_t eligible = 0;
  // Of the eligible, how many the first wave asked for another requirement.
  int64_t asked_elsewhere = 0;
  int asked = 0;
  int accepted = 0;
  // count - min(count, accepted + pending + eligible not yet asked on the
  // activation): see ShortfallOf and docs/ranking.md, "Shortfall".
  int shortfall = 0;
  int delivered = 0;  // delivered, or answered (which implies it)
  int declined = 0;
  int pending = 0;      // awaiting an answer
  int unreachable = 0;  // failed, or no answer by the deadline
};

// Where the state logs (activation_events, callout_events) stood at an
// instant: the newest row id of each. Replaying the logs up to a mark gives
// every activation's and call-out's state at that instant.
struct SelectionMark {
  bool known = false;  // false: stored before schema 0012 (no mark)
  int64_t activation_event = 0;
  int64_t callout_event = 0;
  friend bool operator==(const SelectionMark&, const SelectionMark&) = default;
};

struct Activation {
  int64_t id = 0;
  std::string idempotency_key;  // "" = none
  std::string spec_digest;      // SHA-256 hex of the canonical spec
  ActivationSpec spec;
  ActivationState state = ActivationState::kOpen;
  std::vector<RequirementRecord> requirements;  // spec order
  std::vector<Callout> callouts;                // by requirement, then rank
  std::vector<StateChange> history;             // oldest first
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  // The creating caller's own home areas, sorted ("" = an unscoped caller).
  std::vector<std::string> raised_by_areas;
  // The state logs when the first wave was selected (for Explain).
  SelectionMark selection;
};

// The areas that decide who may see and manage an activation.
struct ActivationReach {
  std::vector<std::string> areas;      // it draws from (empty = every area)
  std::vector<std::string> raised_by;  // its creator's own (empty = unscoped)
};
inline ActivationReach ReachOf(const Activation& a) {
  return {a.spec.areas, a.raised_by_areas};
}

// May a caller see and manage an activation: when AreaScope::MayManage(its
// areas), or, for a caller that may grant mutual aid, when it covers the
// areas of the caller that raised it (so a mutual-aid planner that asked
// only other areas keeps its own activation).
bool MayManage(const AreaScope& scope, const ActivationReach& reach);

// Area lists as stored: codes joined by single spaces ("" = every area).
std::string JoinAreas(const std::vector<std::string>& areas);
std::vector<std::string> SplitAreas(const std::string& text);

// The shortfall of a requirement from its counts; `exhausted`: a new wave
// found nobody left to ask, so nobody unasked counts.
int ShortfallOf(const RequirementRecord& r, bool exhausted = false);

// Adds one call-out in state s to r's counts (pending, delivered, accepted...).
void CountCallout(RequirementRecord& r, CalloutState s);
// Moves one call-out from state `from` to `to` in r's counts: the counts
// CountCallout adds for `from` taken away, those for `to` added.
void MoveCallout(RequirementRecord& r, CalloutState from, CalloutState to);

// SHA-256 (hex) of a canonical text form of the spec (fields in a fixed
// order, numbers printed exactly), for idempotency checks.
std::string SpecDigest(const ActivationSpec& spec);

}  // namespace muster

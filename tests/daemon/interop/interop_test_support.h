// A hand-built activation for the interop tests: a flood at Shrewsbury
// needing two boat crew, with call-outs in several states.
#pragma once

#include "activation/activation.h"
#include "core/civil_time.h"

namespace muster::testing {

inline Callout MakeCallout(int64_t id, int64_t reservist, const std::string& name,
                           const std::string& skill, CalloutState state) {
  Callout c;
  c.id = id;
  c.candidate.reservist_id = reservist;
  c.candidate.skill = skill;
  c.reservist_name = name;
  c.state = state;
  c.wave = 1;
  return c;
}

inline Activation FloodActivation() {
  Activation a;
  a.id = 42;
  a.spec.title = "Flood: Frankwell, Shrewsbury";
  a.spec.message = "Boat crews to Frankwell car park.";
  a.spec.lat = 52.7093;
  a.spec.lon = -2.7601;
  a.spec.radius_km = 25;
  a.spec.start_unix = *ParseInstant("2026-12-07T09:00:00Z");
  a.spec.duration_minutes = 6 * 60;
  a.spec.priority = Priority::kEmergency;
  a.state = ActivationState::kOpen;
  RequirementRecord r;
  r.requirement.skill = "boat-crew";
  r.requirement.min_level = 2;
  r.requirement.count = 2;
  r.asked = 3;
  r.accepted = 2;
  r.declined = 1;
  a.requirements.push_back(r);
  a.callouts = {MakeCallout(7, 1001, "Ann Jones", "boat-crew", CalloutState::kAccepted),
                MakeCallout(8, 1002, "Bryn Evans", "boat-crew", CalloutState::kDeclined),
                MakeCallout(9, 1003, "Cerys Hughes", "boat-crew", CalloutState::kAccepted),
                MakeCallout(10, 1004, "Dai Price", "boat-crew", CalloutState::kSent)};
  a.history = {{ActivationState::kOpen, 1'000, "created"}};
  return a;
}

}  // namespace muster::testing

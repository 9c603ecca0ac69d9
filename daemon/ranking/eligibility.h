// The eligibility rules, evaluated one reservist at a time with a sentence
// for the first rule that excludes them. This is the reference definition:
// RosterIndex's fast path must agree with it (tests check that), and Explain
// uses it for its messages. Pure; thread-safe.
//
// Rules, in the order they are reported:
//  0. home area among the activation's areas, when it names any ("home area
//     worcestershire is outside this activation's areas (gloucestershire)");
//  1. status active ("suspended");
//  2. not busy on an overlapping activation ("already selected for
//     activation 17 (overlapping)");
//  3. holds the requirement's skill at min_level or above with a
//     certification valid on the activation's last day (the expiry date is the
//     last valid day);
//  4. within the radius, then within their own max travel (great circle);
//  5. no dated unavailability on a London day the activation touches;
//  6. weekly windows cover every wall-clock minute of the activation.
// Rules 0, 1, 2, 4, 5, 6 concern the person; rule 3 each requirement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "ranking/geo.h"
#include "ranking/rank_request.h"
#include "ranking/week_minutes.h"
#include "roster/model.h"

namespace muster {

// Whole London days, inclusive.
struct DayRange {
  Date from;
  Date until;
  friend bool operator==(const DayRange&, const DayRange&) = default;
};

// What the rules need to know about one reservist.
struct ReservistFacts {
  struct Holding {
    std::string skill;
    int level = 0;
    std::optional<Date> cert_expires;  // last valid day; nullopt = never expires
    friend bool operator==(const Holding&, const Holding&) = default;
  };

  int64_t id = 0;
  std::string home_area;
  ReservistStatus status = ReservistStatus::kActive;
  GeoPoint home;
  double max_travel_km = 0;
  std::vector<Holding> skills;
  std::vector<WeekInterval> windows;  // normalised; empty = available at any time
  std::vector<DayRange> unavailable;

  // Weekly windows covering the whole week become "none" (any time); a
  // repeated skill code counts once (the first holding).
  static ReservistFacts FromReservist(const Reservist& reservist);
  friend bool operator==(const ReservistFacts&, const ReservistFacts&) = default;
};

struct EligibilityVerdict {
  // Per requirement (request order): eligible, and the level held (0 = none).
  std::vector<bool> eligible;
  std::vector<int> level;
  double distance_km = 0;
  // When eligible for no requirement: the first rule that excluded them.
  std::string exclusion;

  bool any_eligible() const;
};

EligibilityVerdict EvaluateEligibility(const ReservistFacts& facts, const PreparedRequest& request);

}  // namespace muster

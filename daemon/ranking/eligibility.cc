#include "ranking/eligibility.h"

#include <fmt/format.h>

#include <algorithm>

namespace muster {

namespace {

// A distance for a sentence, with enough decimals that it visibly differs
// from the limit it is compared with.
std::string Km(double value, double limit) {
  std::string s = fmt::format("{:.1f}", value);
  if (std::stod(s) == limit) s = fmt::format("{:.3f}", value);
  return s;
}

std::optional<std::string> SkillExclusion(const ReservistFacts& f, const ResolvedRequirement& req,
                                          Date last_day, int* level) {
  auto it = std::find_if(f.skills.begin(), f.skills.end(),
                         [&](const ReservistFacts::Holding& h) { return h.skill == req.skill; });
  *level = 0;
  if (it == f.skills.end()) return "does not hold " + req.skill;
  *level = it->level;
  if (it->level < req.min_level) {
    return fmt::format("{} level {} is below the required {}", req.skill, it->level, req.min_level);
  }
  if (it->cert_expires && *it->cert_expires < last_day) {
    return fmt::format("certification {} expired {}", req.skill, FormatDate(*it->cert_expires));
  }
  return std::nullopt;
}

// The reason to report when no requirement's skill rule passes.
std::string SkillSummary(const std::vector<std::string>& reasons, const std::vector<int>& levels,
                         const PreparedRequest& r) {
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (levels[i] > 0) return reasons[i];  // holds it: level or certificate is the issue
  }
  if (reasons.size() == 1) return reasons[0];
  std::string codes;
  for (const ResolvedRequirement& req : r.requirements) {
    codes += (codes.empty() ? "" : ", ") + req.skill;
  }
  return "holds none of the required skills (" + codes + ")";
}

std::optional<std::string> DistanceExclusion(const ReservistFacts& f, const PreparedRequest& r,
                                             double d) {
  if (d > r.radius_km) {
    return fmt::format("outside radius: {} km > {} km", Km(d, r.radius_km), r.radius_km);
  }
  if (d > f.max_travel_km) {
    return fmt::format("beyond their max travel: {} km > {} km", Km(d, f.max_travel_km),
                       f.max_travel_km);
  }
  return std::nullopt;
}

std::optional<std::string> AvailabilityExclusion(const ReservistFacts& f,
                                                 const PreparedRequest& r) {
  const ActivationWindow& w = r.window;
  for (const DayRange& u : f.unavailable) {
    if (u.from <= w.last_day() && u.until >= w.first_day()) {
      return fmt::format("unavailable {}..{}", FormatDate(u.from), FormatDate(u.until));
    }
  }
  if (f.windows.empty()) return std::nullopt;
  auto gap = FirstUncovered(f.windows, w.required(), w.start_week_minute());
  if (!gap) return std::nullopt;
  return fmt::format("not available {} (weekly windows)", FormatWeekGap(*gap));
}

// Rules 1, 2, 4, 5, 6; nullopt when the person passes them all.
std::optional<std::string> PersonExclusion(const ReservistFacts& f, const PreparedRequest& r,
                                           double d) {
  if (auto e = DistanceExclusion(f, r, d)) return e;
  return AvailabilityExclusion(f, r);
}

}  // namespace

ReservistFacts ReservistFacts::FromReservist(const Reservist& r) {
  ReservistFacts f;
  f.id = r.id;
  f.home_area = r.home_area;
  f.status = r.status;
  f.home = GeoPoint::FromLatLon(r.lat, r.lon);
  f.max_travel_km = r.max_travel_km;
  for (const SkillHolding& s : r.skills) {
    // A repeated skill code (which validation rejects) counts once: the first.
    const bool repeated = std::any_of(f.skills.begin(), f.skills.end(),
                                      [&](const Holding& h) { return h.skill == s.skill; });
    if (!repeated) f.skills.push_back({s.skill, s.level, s.cert_expires});
  }
  f.windows = WeeklyWindowsToIntervals(r.availability);
  if (CoversWholeWeek(f.windows)) f.windows.clear();
  for (const Unavailability& u : r.unavailable) f.unavailable.push_back({u.from, u.until});
  return f;
}

bool EligibilityVerdict::any_eligible() const {
  return std::find(eligible.begin(), eligible.end(), true) != eligible.end();
}

EligibilityVerdict EvaluateEligibility(const ReservistFacts& f, const PreparedRequest& r) {
  EligibilityVerdict v;
  const size_t n = r.requirements.size();
  v.eligible.assign(n, false);
  v.level.assign(n, 0);
  v.distance_km = GreatCircleKm(f.home, r.centre);
  std::vector<std::string> skill_reasons(n);
  bool any_skill = false;
  for (size_t i = 0; i < n; ++i) {
    auto e = SkillExclusion(f, r.requirements[i], r.window.last_day(), &v.level[i]);
    v.eligible[i] = !e.has_value();
    any_skill = any_skill || v.eligible[i];
    if (e) skill_reasons[i] = *e;
  }
  std::optional<std::string> reason;
  if (!r.areas.empty() && !std::binary_search(r.areas.begin(), r.areas.end(), f.home_area)) {
    reason = fmt::format("home area {} is outside this activation's areas ({})", f.home_area,
                         fmt::join(r.areas, ", "));
  } else if (f.status != ReservistStatus::kActive) {
    reason = "suspended";
  } else if (const BusyReservist* busy = r.FindBusy(f.id)) {
    reason = fmt::format("already selected for activation {} (overlapping)", busy->activation_id);
  } else if (!any_skill) {
    reason = SkillSummary(skill_reasons, v.level, r);
  } else {
    reason = PersonExclusion(f, r, v.distance_km);
  }
  if (reason) {
    v.eligible.assign(n, false);
    v.exclusion = *reason;
  }
  return v;
}

}  // namespace muster

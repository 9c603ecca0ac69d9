// A deterministic generator of realistic synthetic reservists, for demos,
// tests and benchmarks. Pure; thread-safe (const methods, no shared state).
//
// Homes are spread by population over England (a table of English towns and
// cities, each sampled in proportion to its population with a Gaussian
// spread growing with its size, plus a wider rural spread); home_area is the
// county of the nearest town. Skills come from StandardSkillCatalogue() with
// common skills common and rare ones rare (about 1.6 per reservist), levels
// skewed low, and certificates with expiry dates around the reference date
// (some already expired). 1-3 contact channels (about 1.5), weekly windows
// (about half have none; about 2 per reservist overall, some crossing
// midnight), a few dated unavailability periods, about 2% suspended. Every
// field passes roster validation.
//
// Generate(i) depends only on (seed, reference_date, i), so any slice of a
// roster can be generated on its own, in any order or in parallel.
#pragma once

#include <cstdint>
#include <vector>

#include "core/civil_time.h"
#include "roster/model.h"

namespace muster {

// The default skill catalogue (deploy/skills-default.csv, sorted by code),
// which the generator draws from: first_aid, driver_4x4, flood_rescue,
// flood_warden, search_rescue, interpreter, welfare, chainsaw, boat_crew,
// radio_operator and drone_pilot (levels as in the file); logistics and
// rest_centre are in the catalogue but never drawn.
std::vector<Skill> StandardSkillCatalogue();

struct SyntheticRosterOptions {
  uint64_t seed = 1;
  // "Today" for certificate expiry and unavailability dates (not the clock,
  // so output never changes). Default 2026-06-01.
  Date reference_date{DaysFromCivil(2026, 6, 1)};
  // Id of reservist 0 (then consecutive). 0 leaves ids 0, as a store create
  // wants. external_id is always "GEN-" + the 7-digit index + 1.
  int64_t first_id = 1;
};

class SyntheticRoster {
 public:
  explicit SyntheticRoster(SyntheticRosterOptions options = {});

  // Reservist number `index` (>= 0), homed somewhere in England.
  Reservist Generate(int64_t index) const;
  // Reservists first .. first + count - 1.
  std::vector<Reservist> Generate(int64_t first, int64_t count) const;
  // Reservist number `index` homed within radius_km of (lat, lon), denser
  // towards the centre.
  Reservist GenerateNear(int64_t index, double lat, double lon, double radius_km) const;

  const SyntheticRosterOptions& options() const { return options_; }

 private:
  SyntheticRosterOptions options_;
  std::vector<double> cumulative_population_;
};

// A demo roster of `count` reservists within radius_km of a town (e.g.
// Tewkesbury, 51.9925, -2.1580), ids left 0 for the store to assign.
std::vector<Reservist> GenerateAround(double lat, double lon, int count, double radius_km,
                                      uint64_t seed);

}  // namespace muster

// The --demo roster: the default skill catalogue (deploy/skills-default.csv,
// compiled in; the same file `musterctl skill import` loads) and a few hundred
// synthetic reservists around Tewkesbury (Gloucestershire), so a newcomer has
// something to list, export and activate against.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "roster/roster.h"

namespace muster {

inline constexpr double kTewkesburyLat = 51.9925;
inline constexpr double kTewkesburyLon = -2.1580;
inline constexpr int kDemoRosterSize = 300;
inline constexpr double kDemoRadiusKm = 30;

// When the roster holds no reservists: adds any skills of the default
// catalogue the store lacks (skills it has are left as they are) and
// kDemoRosterSize reservists (one atomic import). Returns how many
// reservists were added (0 when the roster was not empty).
Result<int64_t> SeedDemoRoster(Roster& roster);

}  // namespace muster

// Readiness: how many active holders of each skill each home area has, how
// many of them could serve in a given window, and whose certificates lapse
// soon. The question a planner asks before an emergency ("do we have enough
// flood rescuers in Cumbria for a Saturday night?"), answered from the
// in-memory index (RosterIndex::Readiness) with the ranking's own rules for
// the person (status, certificate, weekly windows, dated unavailability),
// without distance and without other activations. Pure value types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/civil_time.h"

namespace muster {

struct ReadinessQuery {
  // The window asked about, [start, end) in Unix seconds (end > start).
  int64_t start_unix = 0;
  int64_t end_unix = 0;
  // "Today" as a London date: certificates that expired before it are
  // lapsed, the 30- and 90-day horizons count from it.
  Date today;
  // Home areas to report, sorted output; empty = every area the roster has.
  std::vector<std::string> areas;
  // Skill codes to report; empty = every skill in the catalogue.
  std::vector<std::string> skills;
  // Holdings below this level are not counted (1 = every holder).
  int min_level = 1;
};

// One home area x skill. Every count is of active reservists holding the
// skill at min_level or above.
struct ReadinessCell {
  std::string area;
  std::string skill;
  int64_t holders = 0;      // certificate valid today (or never expiring)
  int64_t available = 0;    // of those: certificate valid on the window's last
                            // day, weekly windows cover it, not away during it
  int64_t expiring_30 = 0;  // of the holders: certificate's last valid day
                            // within the next 30 days (today included)
  int64_t expiring_90 = 0;  // ... within the next 90 days (includes the 30)
  int64_t lapsed = 0;       // certificate expired before today (not holders)
  friend bool operator==(const ReadinessCell&, const ReadinessCell&) = default;
};

struct ReadinessMatrix {
  // Every requested (or known) area x skill, zeros included, sorted by area
  // then skill.
  std::vector<ReadinessCell> cells;
  int64_t reservists_scanned = 0;
  // The same per reported area (sorted by area; areas left out of cells are
  // left out here too).
  std::vector<std::pair<std::string, int64_t>> reservists_by_area;
  // The query's window and day, echoed.
  int64_t start_unix = 0;
  int64_t end_unix = 0;
  Date today;
};

}  // namespace muster

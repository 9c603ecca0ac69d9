// Weekly availability as intervals of "week minutes": minutes since Monday
// 00:00 Europe/London wall-clock time, 0..10080. Pure; thread-safe.
//
// Semantics (see docs/ranking.md): a reservist is available at an instant
// when the London wall clock at that instant (weekday and time of day) lies
// in one of their weekly windows. Windows are minute-granular, so an
// activation needs every wall-clock minute it touches to be covered.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "roster/model.h"

namespace muster {

inline constexpr int kMinutesPerDay = 1440;
inline constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;

// [start, end) in week minutes, 0 <= start < end <= kMinutesPerWeek.
struct WeekInterval {
  uint16_t start = 0;
  uint16_t end = 0;
  friend bool operator==(const WeekInterval&, const WeekInterval&) = default;
};

// Sorts and merges overlapping or touching intervals. Sunday 24:00 and
// Monday 00:00 are not joined: intervals never wrap.
void NormaliseWeekIntervals(std::vector<WeekInterval>& intervals);

// A reservist's windows as normalised intervals. A window crossing midnight
// runs into the next day (Sunday into Monday wraps to the week's start).
// start_min == end_min means a full 24 hours from start_min. Empty input
// gives empty output, which callers treat as "available at any time".
std::vector<WeekInterval> WeeklyWindowsToIntervals(const std::vector<WeeklyWindow>& windows);

// True if the intervals cover the whole week.
bool CoversWholeWeek(std::span<const WeekInterval> have);

// True if every minute of `need` lies in `have`; both normalised.
bool CoversAll(std::span<const WeekInterval> have, std::span<const WeekInterval> need);

// A stretch of wall-clock time that is needed but not covered. end may pass
// kMinutesPerWeek when the stretch runs from Sunday into Monday.
struct WeekGap {
  int start = 0;
  int end = 0;
};

// The first uncovered stretch of `need`, counting forward from week minute
// `from` (the activation's start), or nullopt when `have` covers `need`.
std::optional<WeekGap> FirstUncovered(std::span<const WeekInterval> have,
                                      std::span<const WeekInterval> need, int from);

// "Sat 02:00-06:00", "Fri 22:00-Sat 02:00", "Sun 22:00-24:00".
std::string FormatWeekGap(const WeekGap& gap);

}  // namespace muster

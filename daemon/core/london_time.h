// Europe/London civil time without a time-zone database.
//
// The UK rule (in force since 1996, assumed for every year): Greenwich Mean
// Time (UTC+0) all year, except British Summer Time (UTC+1) from 01:00 UTC on
// the last Sunday of March until 01:00 UTC on the last Sunday of October.
// Locally, clocks go 01:00 GMT -> 02:00 BST in March (local 01:00-01:59 does
// not exist: the "gap") and 02:00 BST -> 01:00 GMT in October (local
// 01:00-01:59 happens twice: the "overlap").
//
// Every function takes any 64-bit instant: outside the civil span of
// core/civil_time.h (about +-316,000 years) it is treated as the nearest end
// of that span, and NextLondonTransition returns INT64_MAX past the last
// change in it.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "core/civil_time.h"

namespace muster {

// A Europe/London wall-clock reading.
struct LondonTime {
  Date date;               // local calendar date
  int minute_of_day = 0;   // 0..1439
  int second = 0;          // 0..59, seconds within the minute
  int iso_weekday = 1;     // 1 = Monday .. 7 = Sunday
  int offset_minutes = 0;  // 0 (GMT) or 60 (BST): local = UTC + offset
  friend bool operator==(const LondonTime&, const LondonTime&) = default;
};

// Seconds since local midnight of a LondonTime (0..86399).
inline int SecondOfDay(const LondonTime& t) {
  return t.minute_of_day * 60 + t.second;
}

// The UTC instants (Unix seconds) at which BST starts and ends in a year:
// 01:00 UTC on the last Sunday of March / of October.
int64_t BstStartUtc(int year);
int64_t BstEndUtc(int year);

// The UTC offset in force at a UTC instant, in seconds: 0 or 3600.
int LondonOffsetSeconds(int64_t unix_seconds);

// The first clock change strictly after a UTC instant (Unix seconds).
int64_t NextLondonTransition(int64_t unix_seconds);

// UTC Unix seconds -> Europe/London wall clock.
LondonTime UtcToLondon(int64_t unix_seconds);

// How a local wall-clock time maps to UTC.
enum class LocalTimeKind {
  kUnique,    // exactly one instant shows this wall-clock time
  kSkipped,   // in the spring gap: no instant shows it
  kRepeated,  // in the autumn overlap: two instants, one hour apart, show it
};

// The result of LondonToUtc. For kUnique, earliest == latest. For kRepeated,
// earliest is the BST reading and latest the GMT one (3600 s later). For
// kSkipped, both are the transition instant (01:00 UTC), which is the first
// instant whose wall clock reads at or after the requested time; so a window
// starting or ending inside the gap starts or ends when the clocks jump.
struct LocalToUtc {
  int64_t earliest = 0;
  int64_t latest = 0;
  LocalTimeKind kind = LocalTimeKind::kUnique;
};

// Europe/London wall clock -> UTC. second_of_day may be outside 0..86399 and
// is then carried into neighbouring days (86400 = midnight of the next day,
// so "24:00" works).
LocalToUtc LondonToUtc(Date date, int64_t second_of_day);

}  // namespace muster

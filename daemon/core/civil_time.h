// Calendar dates and times of day without time zones, plus ISO 8601 parsing.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace muster {

// A calendar date as days since 1970-01-01 (proleptic Gregorian).
struct Date {
  int32_t days = 0;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Instants the daemon accepts from callers (API time fields, ISO text):
// 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in Unix seconds.
inline constexpr int64_t kMinAcceptedInstant = 0;
inline constexpr int64_t kMaxAcceptedInstant = 253402300799;

// OK for an instant in [kMinAcceptedInstant, kMaxAcceptedInstant];
// InvalidArgument naming `field` otherwise.
Status CheckAcceptedInstant(std::string_view field, int64_t unix_seconds);

// The span (Unix seconds, about +-316,000 years) in which the calendar and
// London time functions compute exactly. They take any 64-bit input and never
// overflow: an instant outside this span is treated as the nearest end of it.
inline constexpr int64_t kCivilLimitSeconds = 10'000'000'000'000;
inline constexpr int64_t ClampToCivilRange(int64_t unix_seconds) {
  return unix_seconds < -kCivilLimitSeconds  ? -kCivilLimitSeconds
         : unix_seconds > kCivilLimitSeconds ? kCivilLimitSeconds
                                             : unix_seconds;
}

// Howard Hinnant's days_from_civil / civil_from_days, in 64-bit arithmetic:
// safe for every input. DaysFromCivil saturates at the int32_t range.
int32_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(int32_t z, int& y, unsigned& m, unsigned& d);

// ISO weekday of a date: 1 = Monday .. 7 = Sunday.
int IsoWeekday(Date date);

// Parses "YYYY-MM-DD" (a real calendar date, year 1900..2999).
std::optional<Date> ParseDate(std::string_view text);
std::string FormatDate(Date date);

// Parses "HH:MM" into minutes after midnight, 0..1439; with allow_24 also
// accepts "24:00" (= 1440) as an end-of-day time.
std::optional<int> ParseTimeOfDay(std::string_view text, bool allow_24 = false);
std::string FormatTimeOfDay(int minutes);

// Parses an ISO 8601 instant, "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or an
// offset "+HH:MM"/"-HH:MM", into Unix seconds. No offset is an error (local
// times are ambiguous around the clock changes).
std::optional<int64_t> ParseInstant(std::string_view text);
// Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (any 64-bit value; years
// beyond 9999 have more digits, before year 0 a minus sign).
std::string FormatInstant(int64_t unix_seconds);

}  // namespace muster

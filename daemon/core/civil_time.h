// Calendar dates and times of day without time zones, plus ISO 8601 parsing.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace muster {

// A calendar date as days since 1970-01-01 (proleptic Gregorian).
struct Date {
  int32_t days = 0;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Howard Hinnant's days_from_civil / civil_from_days.
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
// Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatInstant(int64_t unix_seconds);

}  // namespace muster

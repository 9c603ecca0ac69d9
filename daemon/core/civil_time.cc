#include "core/civil_time.h"

#include <fmt/format.h>

#include <charconv>

namespace muster {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// civil_from_days over int64_t days: exact for every |z| < 2^62.
void CivilFromDays64(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = int64_t{yoe} + era * 400 + (m <= 2);
}

}  // namespace

int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  // Out-of-range months and days are pinned so the tables below stay valid.
  m = m < 1 ? 1 : m > 12 ? 12 : m;
  d = d > 31 ? 31 : d;
  const int64_t yy = int64_t{y} - (m <= 2);
  const int64_t era = FloorDiv(yy, 400);
  const auto yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + int64_t{doe} - 719468;
  if (days > INT32_MAX) return INT32_MAX;
  if (days < INT32_MIN) return INT32_MIN;
  return static_cast<int32_t>(days);
}

void CivilFromDays(int32_t z, int& y, unsigned& m, unsigned& d) {
  int64_t year = 0;
  CivilFromDays64(z, year, m, d);
  y = static_cast<int>(year);  // |year| < 6 million for any int32_t day
}

int IsoWeekday(Date date) {
  // 1970-01-01 was a Thursday (4).
  int w = (date.days % 7 + 7 + 3) % 7;  // 0 = Monday
  return w + 1;
}

namespace {

bool ParseFixed(std::string_view text, size_t pos, size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto r = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return r.ec == std::errc();
}

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

std::optional<Date> ParseDatePrefix(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseFixed(text, 0, 4, y) || !ParseFixed(text, 5, 2, m) || !ParseFixed(text, 8, 2, d)) {
    return std::nullopt;
  }
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) return std::nullopt;
  return Date{DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))};
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ParseDatePrefix(text);
}

std::string FormatDate(Date date) {
  int y;
  unsigned m, d;
  CivilFromDays(date.days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::optional<int> ParseTimeOfDay(std::string_view text, bool allow_24) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  if (!ParseFixed(text, 0, 2, h) || !ParseFixed(text, 3, 2, m)) return std::nullopt;
  if (allow_24 && h == 24 && m == 0) return 1440;
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatTimeOfDay(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::optional<int64_t> ParseInstant(std::string_view text) {
  auto date = ParseDatePrefix(text);
  if (!date || text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (!ParseFixed(text, 11, 2, h) || text[13] != ':' || !ParseFixed(text, 14, 2, mi)) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!ParseFixed(text, pos + 1, 2, s)) return std::nullopt;
    pos += 3;
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  int64_t offset = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!ParseFixed(zone, 1, 2, oh) || !ParseFixed(zone, 4, 2, om) || oh > 18 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return static_cast<int64_t>(date->days) * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string FormatInstant(int64_t unix_seconds) {
  const int64_t days = FloorDiv(unix_seconds, 86400);
  // Not seconds - days * 86400: that overflows near INT64_MIN.
  const int64_t rem = (unix_seconds % 86400 + 86400) % 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays64(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, (rem / 60) % 60,
                     rem % 60);
}

Status CheckAcceptedInstant(std::string_view field, int64_t unix_seconds) {
  if (unix_seconds >= kMinAcceptedInstant && unix_seconds <= kMaxAcceptedInstant) return {};
  return Status::InvalidArgument(
      std::string(field),
      fmt::format("{} s is outside {} .. {}", unix_seconds, FormatInstant(kMinAcceptedInstant),
                  FormatInstant(kMaxAcceptedInstant)));
}

}  // namespace muster

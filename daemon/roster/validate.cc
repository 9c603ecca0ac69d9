#include "roster/validate.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace muster {
namespace {

bool IsPrintable(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool IsLetterDigitDash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

Status CheckText(std::string_view field, std::string_view value, size_t max_len, bool required) {
  if (required && value.empty()) return Status::InvalidArgument(std::string(field), "is required");
  if (value.size() > max_len) {
    return Status::InvalidArgument(
        std::string(field),
        fmt::format("is {} bytes long; at most {} allowed", value.size(), max_len));
  }
  if (!IsPrintable(value)) {
    return Status::InvalidArgument(std::string(field), "contains control characters");
  }
  return {};
}

Status CheckChannel(const ContactChannel& ch) {
  const std::string& a = ch.address;
  switch (ch.kind) {
    case ChannelKind::kSms:
      if (!IsValidPhone(a)) {
        return Status::InvalidArgument(
            "address", fmt::format("'{}' is not an E.164 phone number (e.g. +447700900123)", a));
      }
      return {};
    case ChannelKind::kEmail:
      if (!IsValidEmail(a)) {
        return Status::InvalidArgument("address", fmt::format("'{}' is not an e-mail address", a));
      }
      return {};
    case ChannelKind::kWebhook:
      if (!IsValidWebhook(a)) {
        return Status::InvalidArgument("address",
                                       fmt::format("'{}' is not an http(s) URL or push:<id>", a));
      }
      return {};
  }
  return Status::InvalidArgument("kind", "unknown channel kind");
}

Status CheckChannels(const std::vector<ContactChannel>& channels) {
  if (channels.empty()) {
    return Status::InvalidArgument("channels", "at least one contact channel is required");
  }
  if (channels.size() > kMaxChannels) {
    return Status::InvalidArgument("channels", fmt::format("at most {} allowed", kMaxChannels));
  }
  for (size_t i = 0; i < channels.size(); ++i) {
    MUSTER_RETURN_IF_ERROR(
        CheckChannel(channels[i]).WithFieldPrefix(fmt::format("channels[{}]", i)));
  }
  return {};
}

Status CheckHolding(const SkillHolding& h, const SkillCatalogue& catalogue) {
  auto it = catalogue.find(h.skill);
  if (it == catalogue.end()) {
    return Status::InvalidArgument("skill", fmt::format("unknown skill code '{}'", h.skill));
  }
  const Skill& s = it->second;
  if (h.level < s.min_level || h.level > s.max_level) {
    return Status::InvalidArgument("level", fmt::format("{} is out of range [{}, {}] for skill {}",
                                                        h.level, s.min_level, s.max_level, s.code));
  }
  return CheckText("cert_issuer", h.cert_issuer, kMaxNameLength, false);
}

Status CheckSkills(const std::vector<SkillHolding>& skills, const SkillCatalogue& catalogue) {
  if (skills.size() > kMaxSkills) {
    return Status::InvalidArgument("skills", fmt::format("at most {} allowed", kMaxSkills));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < skills.size(); ++i) {
    std::string prefix = fmt::format("skills[{}]", i);
    MUSTER_RETURN_IF_ERROR(CheckHolding(skills[i], catalogue).WithFieldPrefix(prefix));
    if (!seen.insert(skills[i].skill).second) {
      return Status::InvalidArgument(prefix + ".skill",
                                     fmt::format("skill '{}' is listed twice", skills[i].skill));
    }
  }
  return {};
}

Status CheckWindows(const std::vector<WeeklyWindow>& windows) {
  if (windows.size() > kMaxWindows) {
    return Status::InvalidArgument("availability", fmt::format("at most {} allowed", kMaxWindows));
  }
  for (size_t i = 0; i < windows.size(); ++i) {
    const WeeklyWindow& w = windows[i];
    std::string prefix = fmt::format("availability[{}]", i);
    if (w.day < 1 || w.day > 7) {
      return Status::InvalidArgument(prefix + ".day",
                                     fmt::format("{} is not a weekday 1..7", w.day));
    }
    if (w.start_min < 0 || w.start_min > 1439) {
      return Status::InvalidArgument(prefix + ".start", "must be 00:00..23:59");
    }
    if (w.end_min < 0 || w.end_min > 1440) {
      return Status::InvalidArgument(prefix + ".end", "must be 00:00..24:00");
    }
  }
  return {};
}

Status CheckUnavailability(const std::vector<Unavailability>& periods) {
  if (periods.size() > kMaxUnavailability) {
    return Status::InvalidArgument("unavailable",
                                   fmt::format("at most {} allowed", kMaxUnavailability));
  }
  for (size_t i = 0; i < periods.size(); ++i) {
    const Unavailability& u = periods[i];
    std::string prefix = fmt::format("unavailable[{}]", i);
    if (u.until < u.from) {
      return Status::InvalidArgument(
          prefix + ".until",
          fmt::format("{} is before from {}", FormatDate(u.until), FormatDate(u.from)));
    }
    MUSTER_RETURN_IF_ERROR(CheckText(prefix + ".reason", u.reason, kMaxNameLength, false));
  }
  return {};
}

Status CheckLocation(const Reservist& r) {
  if (!std::isfinite(r.lat) || r.lat < -90 || r.lat > 90) {
    return Status::InvalidArgument("lat", fmt::format("{} is out of range [-90, 90]", r.lat));
  }
  if (!std::isfinite(r.lon) || r.lon < -180 || r.lon > 180) {
    return Status::InvalidArgument("lon", fmt::format("{} is out of range [-180, 180]", r.lon));
  }
  if (!std::isfinite(r.max_travel_km) || r.max_travel_km <= 0 || r.max_travel_km > kMaxTravelKm) {
    return Status::InvalidArgument(
        "max_travel_km", fmt::format("{} is out of range (0, {}]", r.max_travel_km, kMaxTravelKm));
  }
  return CheckText("postcode", r.postcode, 16, false);
}

}  // namespace

bool IsValidCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 40 || code[0] < 'a' || code[0] > 'z') return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsValidPhone(std::string_view phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  for (size_t i = 1; i < phone.size(); ++i) {
    if (phone[i] < '0' || phone[i] > '9') return false;
  }
  return true;
}

bool IsValidEmail(std::string_view email) {
  if (email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  if (local.size() > 64) return false;
  for (char c : local) {
    if (!IsLetterDigitDash(c) &&
        std::string_view(".!#$%&'*+/=?^_`{|}~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  if (local.front() == '.' || local.back() == '.') return false;
  size_t dot = domain.rfind('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) {
    return false;
  }
  char prev = '.';
  for (char c : domain) {
    if (c == '.' && (prev == '.' || prev == '-')) return false;
    if (c != '.' && !IsLetterDigitDash(c)) return false;
    if (c == '-' && prev == '.') return false;
    prev = c;
  }
  return prev != '-';
}

bool IsValidWebhook(std::string_view a) {
  if (a.size() > 500) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  if (a.starts_with("https://")) return a.size() > 8;
  if (a.starts_with("http://")) return a.size() > 7;
  if (a.starts_with("push:")) return a.size() > 5;
  return false;
}

Status NormalizeAndValidateReservist(Reservist& r, const SkillCatalogue& skills) {
  if (r.max_travel_km == 0) r.max_travel_km = kDefaultMaxTravelKm;
  MUSTER_RETURN_IF_ERROR(CheckText("name", r.name, kMaxNameLength, true));
  MUSTER_RETURN_IF_ERROR(CheckText("external_id", r.external_id, kMaxExternalIdLength, false));
  if (!r.home_area.empty() && !IsValidCode(r.home_area)) {
    return Status::InvalidArgument(
        "home_area",
        fmt::format("'{}' must be 2..40 lower-case letters, digits or '_'", r.home_area));
  }
  if (r.home_area.empty()) return Status::InvalidArgument("home_area", "is required");
  MUSTER_RETURN_IF_ERROR(CheckChannels(r.channels));
  MUSTER_RETURN_IF_ERROR(CheckLocation(r));
  MUSTER_RETURN_IF_ERROR(CheckSkills(r.skills, skills));
  MUSTER_RETURN_IF_ERROR(CheckWindows(r.availability));
  return CheckUnavailability(r.unavailable);
}

Status NormalizeAndValidateSkill(Skill& s) {
  if (!IsValidCode(s.code)) {
    return Status::InvalidArgument(
        "code",
        fmt::format("'{}' must be 2..40 lower-case letters, digits or '_', starting with a letter",
                    s.code));
  }
  MUSTER_RETURN_IF_ERROR(CheckText("name", s.name, kMaxNameLength, true));
  if (s.min_level == 0) s.min_level = kDefaultMinLevel;
  if (s.max_level == 0) s.max_level = kDefaultMaxLevel;
  if (s.min_level < 1 || s.max_level > 10 || s.min_level > s.max_level) {
    return Status::InvalidArgument(
        "min_level", fmt::format("level range [{}, {}] must satisfy 1 <= min <= max <= 10",
                                 s.min_level, s.max_level));
  }
  return {};
}

}  // namespace muster

#include "activation_flags.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "core/civil_time.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

bool ParseInt(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

}  // namespace

Status ParseNeed(std::string_view text, v1::Requirement* out) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(
        "--need",
        fmt::format("'{}' {}; expected SKILL[:MIN_LEVEL]:COUNT, e.g. first_aid:2:12", text, why));
  };
  size_t first = text.find(':');
  if (first == std::string_view::npos || first == 0) return bad("has no count");
  size_t last = text.rfind(':');
  // The wire fields are int32: a larger number would wrap (4294967297 -> 1).
  constexpr int64_t kMax = INT32_MAX;
  int64_t count = 0, level = 0;
  std::string_view count_text = text.substr(last + 1);
  if (!ParseInt(count_text, count)) {
    // Digits that do not fit an int64 are a count too large, not a non-number.
    bool digits =
        !count_text.empty() && count_text.find_first_not_of("0123456789") == std::string_view::npos;
    return bad(digits ? fmt::format("has a count above {}", kMax) : "has no positive count");
  }
  if (count <= 0) return bad("has no positive count");
  if (count > kMax) return bad(fmt::format("has a count above {}", kMax));
  if (last != first && (!ParseInt(text.substr(first + 1, last - first - 1), level) || level <= 0)) {
    return bad("has a bad level");
  }
  if (level > kMax) return bad(fmt::format("has a level above {}", kMax));
  out->set_skill(std::string(text.substr(0, first)));
  out->set_min_level(static_cast<int32_t>(level));
  out->set_count(static_cast<int32_t>(count));
  return {};
}

Result<int32_t> ParseMinutes(std::string_view text, const char* flag) {
  const auto bad = [&] {
    return Status::InvalidArgument(
        flag, fmt::format("'{}' is not a duration (e.g. 15m, 2h, 1h30m, or minutes)", text));
  };
  // "90", "90m", "2h" or "1h30m": each unit at most once, hours first. The
  // bound is on the total, so that a duration accepted in one form ("30000h")
  // is accepted in every other ("1800000") and none is refused in one only.
  constexpr int64_t kMaxMinutes = 1000000;
  std::string_view hours, minutes = text;
  const size_t h = text.find('h');
  if (h != std::string_view::npos) {
    hours = text.substr(0, h);
    minutes = text.substr(h + 1);
  }
  if (!minutes.empty() && minutes.back() == 'm') {
    minutes.remove_suffix(1);
  } else if (h != std::string_view::npos && !minutes.empty()) {
    return bad();  // "1h30": minutes after hours need their unit
  }
  if (hours.empty() && minutes.empty()) return bad();
  const auto number = [](std::string_view digits, int64_t& out) {
    out = 0;
    if (digits.empty()) return true;
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    return ParseInt(digits, out);
  };
  int64_t h_value = 0, m_value = 0;
  if (!number(hours, h_value) || !number(minutes, m_value)) return bad();
  if (h != std::string_view::npos && hours.empty()) return bad();  // "h", "h30m"
  const int64_t total = h_value * 60 + m_value;
  if (total <= 0 || total > kMaxMinutes) return bad();
  return static_cast<int32_t>(total);
}

Result<std::optional<int64_t>> ParseStart(std::string_view text) {
  if (text == "now") return std::optional<int64_t>();
  auto t = ParseInstant(text);
  if (!t) {
    return Status::InvalidArgument(
        "--start", fmt::format("'{}' is not 'now' or an ISO 8601 time with Z or an offset "
                               "(e.g. 2026-11-25T18:00Z)",
                               text));
  }
  return std::optional<int64_t>(*t);
}

Result<v1::ActivationState> ParseActivationState(std::string_view text) {
  for (int s = v1::OPEN; s <= v1::EXPIRED; ++s) {
    if (ActivationStateName(static_cast<v1::ActivationState>(s)) == text) {
      return static_cast<v1::ActivationState>(s);
    }
  }
  return Status::InvalidArgument(
      "--state", fmt::format("'{}' is not open, filled, stood_down, cancelled or expired", text));
}

Result<v1::Priority> ParsePriority(std::string_view text) {
  if (text == "routine") return v1::ROUTINE;
  if (text == "urgent") return v1::URGENT;
  if (text == "emergency") return v1::EMERGENCY;
  return Status::InvalidArgument("--priority",
                                 fmt::format("'{}' is not routine, urgent or emergency", text));
}

std::string_view ActivationStateName(v1::ActivationState state) {
  switch (state) {
    case v1::OPEN:
      return "open";
    case v1::FILLED:
      return "filled";
    case v1::STOOD_DOWN:
      return "stood_down";
    case v1::CANCELLED:
      return "cancelled";
    case v1::EXPIRED:
      return "expired";
    default:
      return "?";
  }
}

std::string_view PriorityName(v1::Priority priority) {
  switch (priority) {
    case v1::ROUTINE:
      return "routine";
    case v1::EMERGENCY:
      return "emergency";
    default:
      return "urgent";
  }
}

}  // namespace muster::client

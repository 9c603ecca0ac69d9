// Business-rule validation of roster input. Pure functions; thread-safe.
//
// Field names in returned errors are relative to the validated object
// ("lat", "skills[1].level", "channels[0].address"); callers prefix them
// (e.g. "reservist.") with Status::WithFieldPrefix.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "roster/model.h"

namespace muster {

// The skill catalogue by code.
using SkillCatalogue = std::map<std::string, Skill, std::less<>>;

// Limits on list sizes and text lengths (per reservist).
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxExternalIdLength = 100;
inline constexpr size_t kMaxChannels = 10;
inline constexpr size_t kMaxSkills = 50;
inline constexpr size_t kMaxWindows = 50;
inline constexpr size_t kMaxUnavailability = 100;
inline constexpr double kMaxTravelKm = 1000;

// Lower-case ASCII letters, digits and '_', 2..40 chars, starting with a letter.
bool IsValidCode(std::string_view code);
// E.164: '+', then 7..15 digits, the first not 0.
bool IsValidPhone(std::string_view phone);
// A pragmatic address check: one '@', a non-empty local part of allowed
// characters, a dotted domain of letters, digits and '-'; at most 254 chars.
bool IsValidEmail(std::string_view email);
// http:// or https:// URL without spaces, or an opaque push id
// ("push:<token>"), at most 500 chars.
bool IsValidWebhook(std::string_view address);

// Applies defaults (max_travel_km 0 -> 50; status stays as given) and checks
// every field against the rules documented in roster.proto. Unknown skill
// codes and levels outside the skill's range are InvalidArgument.
Status NormalizeAndValidateReservist(Reservist& reservist, const SkillCatalogue& skills);

// Applies defaults (levels 0 -> 1..5) and checks code, name and level range.
Status NormalizeAndValidateSkill(Skill& skill);

}  // namespace muster

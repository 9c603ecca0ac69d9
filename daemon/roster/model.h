// The roster domain model: plain value types, no I/O, no protobuf.
// api/convert.h maps these to and from muster.v1 messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"

namespace muster {

// A skill in the catalogue, e.g. {"first_aid", "First aid", 1, 3}.
struct Skill {
  std::string code;
  std::string name;
  int min_level = 1;  // 1 <= min_level <= max_level <= 10
  int max_level = 5;
  friend bool operator==(const Skill&, const Skill&) = default;
};

// How a reservist is reached. The numbers are stored on disk (the packed
// channel list of a reservist, callouts.channel_kind) and are the values of
// muster.v1.ContactChannel.Kind: never renumber one. A new kind is one more
// value here and one more row in kChannelKinds (plus its [channels] key in
// the config).
enum class ChannelKind { kSms = 1, kEmail = 2, kWebhook = 3 };

struct ChannelKindInfo {
  ChannelKind kind;
  const char* name;  // in config keys ([channels] sms = ...), CLI text, logs and the API
};

// Every kind, in the order of their numbers.
inline constexpr ChannelKindInfo kChannelKinds[] = {
    {ChannelKind::kSms, "sms"},
    {ChannelKind::kEmail, "email"},
    {ChannelKind::kWebhook, "webhook"},
};

// The kind stored as `number`, or nullopt if no kind has it.
constexpr std::optional<ChannelKind> ChannelKindFromNumber(int number) {
  for (const ChannelKindInfo& k : kChannelKinds) {
    if (static_cast<int>(k.kind) == number) return k.kind;
  }
  return std::nullopt;
}

// "sms", "email", "webhook"; "" for a value that is no kind.
constexpr const char* ChannelKindName(ChannelKind kind) {
  for (const ChannelKindInfo& k : kChannelKinds) {
    if (k.kind == kind) return k.name;
  }
  return "";
}

// The kind named `name` (exactly, lower case), or nullopt.
constexpr std::optional<ChannelKind> ParseChannelKind(std::string_view name) {
  for (const ChannelKindInfo& k : kChannelKinds) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

struct ContactChannel {
  ChannelKind kind = ChannelKind::kSms;
  std::string address;  // E.164 phone, e-mail address, or URL / push id
  friend bool operator==(const ContactChannel&, const ContactChannel&) = default;
};

struct SkillHolding {
  std::string skill;  // catalogue code
  int level = 1;
  std::string cert_issuer;           // empty = not recorded
  std::optional<Date> cert_expires;  // last valid day; nullopt = never expires
  friend bool operator==(const SkillHolding&, const SkillHolding&) = default;
};

// A weekly window in Europe/London local time. end_min <= start_min means the
// window crosses midnight into the next day; start_min == end_min == 0 is the
// whole day.
struct WeeklyWindow {
  int day = 1;        // ISO weekday, 1 = Monday .. 7 = Sunday
  int start_min = 0;  // minutes after local midnight, 0..1439
  int end_min = 0;    // 1..1440 (1440 = "24:00"), or <= start_min (crosses midnight)
  friend bool operator==(const WeeklyWindow&, const WeeklyWindow&) = default;
};

// Dated unavailability, whole days inclusive (Europe/London days).
struct Unavailability {
  Date from;
  Date until;
  std::string reason;
  friend bool operator==(const Unavailability&, const Unavailability&) = default;
};

enum class ReservistStatus { kActive = 1, kSuspended = 2 };

struct Reservist {
  int64_t id = 0;           // 0 = not yet stored
  std::string external_id;  // empty = none; unique when set
  std::string name;
  std::vector<ContactChannel> channels;  // preference order, at least one
  double lat = 0;
  double lon = 0;
  std::string postcode;
  std::string home_area;
  double max_travel_km = 50;
  ReservistStatus status = ReservistStatus::kActive;
  std::vector<SkillHolding> skills;
  std::vector<WeeklyWindow> availability;  // empty = available at any time
  std::vector<Unavailability> unavailable;
  int64_t created_at_ms = 0;  // set by the store, Unix milliseconds
  int64_t updated_at_ms = 0;
  friend bool operator==(const Reservist&, const Reservist&) = default;
};

// Defaults applied to input before validation.
inline constexpr double kDefaultMaxTravelKm = 50;
inline constexpr int kDefaultMinLevel = 1;
inline constexpr int kDefaultMaxLevel = 5;

}  // namespace muster

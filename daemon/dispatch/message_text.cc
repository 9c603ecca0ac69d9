#include "dispatch/message_text.h"

#include <fmt/format.h>

#include "core/civil_time.h"
#include "core/london_time.h"

namespace muster::dispatch {
namespace {

const char* PriorityWord(Priority p) {
  switch (p) {
    case Priority::kRoutine:
      return "routine";
    case Priority::kUrgent:
      return "urgent";
    case Priority::kEmergency:
      return "EMERGENCY";
  }
  return "urgent";
}

std::string Duration(int minutes) {
  if (minutes % 1440 == 0)
    return fmt::format("{} day{}", minutes / 1440, minutes == 1440 ? "" : "s");
  if (minutes % 60 == 0) return fmt::format("{} h", minutes / 60);
  return fmt::format("{} min", minutes);
}

// "0.4 km", "3.2 km", "27 km": a tenth below 10 km, where it tells the
// reservist something, whole km beyond.
std::string Distance(double km) {
  if (!(km >= 0)) km = 0;
  return km < 9.95 ? fmt::format("{:.1f} km", km) : fmt::format("{:.0f} km", km);
}

}  // namespace

std::string LondonShort(int64_t unix_seconds) {
  static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  LondonTime t = UtcToLondon(unix_seconds);
  int y = 0;
  unsigned m = 1, d = 1;
  CivilFromDays(t.date.days, y, m, d);
  return fmt::format("{} {} {} {:02}:{:02}", kDays[(t.iso_weekday + 6) % 7], d, kMonths[m - 1],
                     t.minute_of_day / 60, t.minute_of_day % 60);
}

MessageText CalloutText(const ActivationSpec& spec, const std::string& name, double distance_km,
                        const std::string& skill, const std::string& public_url,
                        const std::string& token, const std::string& key) {
  MessageText m;
  m.subject = fmt::format("Muster call-out: {}", spec.title);
  m.accept_url = fmt::format("{}/r/{}/accept", public_url, token);
  m.decline_url = fmt::format("{}/r/{}/decline", public_url, token);
  m.text = fmt::format(
      "{}, you are asked to help ({}): {}.{}{} From {} for {}, {} from you, as {}. "
      "Please answer within {} min. Accept: {} Decline: {} (ref {})",
      name, PriorityWord(spec.priority), spec.title, spec.message.empty() ? "" : " ", spec.message,
      LondonShort(spec.start_unix), Duration(spec.duration_minutes), Distance(distance_km), skill,
      spec.answer_within_minutes, m.accept_url, m.decline_url, key);
  return m;
}

MessageText StandDownText(const ActivationSpec& spec, const std::string& name,
                          const std::string& reason, const std::string& key) {
  MessageText m;
  m.subject = fmt::format("Muster stand-down: {}", spec.title);
  m.text = fmt::format("{}, stand down: you are no longer needed for {} ({}). Thank you. (ref {})",
                       name, spec.title, reason, key);
  return m;
}

std::string AnswerReply(const std::string& outcome, const std::string& name,
                        const ActivationSpec& spec) {
  if (outcome == "accepted") {
    return fmt::format("Thank you, {}: you are confirmed for {} from {}.", name, spec.title,
                       LondonShort(spec.start_unix));
  }
  if (outcome == "declined") {
    return fmt::format("Thank you, {}: your answer is recorded; you are not expected for {}.", name,
                       spec.title);
  }
  return fmt::format("Thank you, {}: {} no longer needs you; no need to come.", name, spec.title);
}

}  // namespace muster::dispatch

#include "activation/activation.h"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace muster {

const char* ActivationStateName(ActivationState state) {
  switch (state) {
    case ActivationState::kOpen:
      return "open";
    case ActivationState::kFilled:
      return "filled";
    case ActivationState::kStoodDown:
      return "stood_down";
    case ActivationState::kCancelled:
      return "cancelled";
    case ActivationState::kExpired:
      return "expired";
  }
  return "unknown";
}

const char* CalloutStateName(CalloutState state) {
  switch (state) {
    case CalloutState::kQueued:
      return "queued";
    case CalloutState::kSent:
      return "sent";
    case CalloutState::kDelivered:
      return "delivered";
    case CalloutState::kFailed:
      return "failed";
    case CalloutState::kAccepted:
      return "accepted";
    case CalloutState::kDeclined:
      return "declined";
    case CalloutState::kNoAnswer:
      return "no_answer";
    case CalloutState::kStoodDown:
      return "stood_down";
  }
  return "unknown";
}

bool MayManage(const AreaScope& scope, const ActivationReach& reach) {
  if (scope.MayManage(reach.areas)) return true;
  return !reach.areas.empty() && !reach.raised_by.empty() && scope.mutual_aid() &&
         scope.MayManage(reach.raised_by);
}

int ShortfallOf(const RequirementRecord& r, bool exhausted) {
  // Eligible people asked for this requirement or another one are not
  // "not yet asked" (a person fills at most one place).
  const int64_t not_asked =
      exhausted ? 0 : std::max<int64_t>(0, r.eligible - r.asked - r.asked_elsewhere);
  const int64_t can = std::min<int64_t>(r.accepted + r.pending + not_asked, r.requirement.count);
  return static_cast<int>(r.requirement.count - can);
}

void CountCallout(RequirementRecord& r, CalloutState s) {
  switch (s) {
    case CalloutState::kQueued:
    case CalloutState::kSent:
      ++r.pending;
      break;
    case CalloutState::kDelivered:
      ++r.pending;
      ++r.delivered;
      break;
    case CalloutState::kFailed:
      ++r.unreachable;
      break;
    case CalloutState::kAccepted:
      ++r.accepted;
      ++r.delivered;
      break;
    case CalloutState::kDeclined:
      ++r.declined;
      ++r.delivered;
      break;
    case CalloutState::kNoAnswer:
      ++r.unreachable;
      break;
    case CalloutState::kStoodDown:
      break;
  }
}

void MoveCallout(RequirementRecord& r, CalloutState from, CalloutState to) {
  RequirementRecord gone, added;
  CountCallout(gone, from);
  CountCallout(added, to);
  r.pending += added.pending - gone.pending;
  r.delivered += added.delivered - gone.delivered;
  r.accepted += added.accepted - gone.accepted;
  r.declined += added.declined - gone.declined;
  r.unreachable += added.unreachable - gone.unreachable;
}

std::string JoinAreas(const std::vector<std::string>& areas) {
  return fmt::format("{}", fmt::join(areas, " "));
}

std::vector<std::string> SplitAreas(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t space = text.find(' ', at);
    if (space == std::string::npos) space = text.size();
    if (space > at) out.push_back(text.substr(at, space - at));
    at = space + 1;
  }
  return out;
}

std::string SpecDigest(const ActivationSpec& s) {
  // Length-prefixed text so that no two specs share a canonical form; %a
  // prints doubles exactly.
  std::string canon =
      fmt::format("v1|{}:{}|{}:{}|{:a}|{:a}|{:a}|{}|{}|{}|{}", s.title.size(), s.title,
                  s.message.size(), s.message, s.lat, s.lon, s.radius_km,
                  s.start_now ? std::string("now") : std::to_string(s.start_unix),
                  s.duration_minutes, s.answer_within_minutes, static_cast<int>(s.priority));
  for (const auto& r : s.requirements) {
    canon += fmt::format("|{}:{}:{}:{}", r.skill.size(), r.skill, r.min_level, r.count);
  }
  // Only when set, so that digests of specs without areas stay as they were.
  for (const auto& a : s.areas) canon += fmt::format("|area:{}:{}", a.size(), a);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canon.data(), canon.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

}  // namespace muster

#include "alerts/cap_alert.h"

#include <array>
#include <string_view>

namespace muster {

namespace {

// Names in enum order.
constexpr std::array<const char*, 5> kStatus = {"Actual", "Exercise", "System", "Test", "Draft"};
constexpr std::array<const char*, 5> kMsgType = {"Alert", "Update", "Cancel", "Ack", "Error"};
constexpr std::array<const char*, 3> kScope = {"Public", "Restricted", "Private"};
constexpr std::array<const char*, 5> kUrgency = {"Unknown", "Past", "Future", "Expected",
                                                 "Immediate"};
constexpr std::array<const char*, 5> kSeverity = {"Unknown", "Minor", "Moderate", "Severe",
                                                  "Extreme"};
constexpr std::array<const char*, 5> kCertainty = {"Unknown", "Unlikely", "Possible", "Likely",
                                                   "Observed"};

template <typename E, size_t N>
const char* NameOf(const std::array<const char*, N>& names, E v) {
  const auto i = static_cast<size_t>(v);
  return i < N ? names[i] : "?";
}

template <typename E, size_t N>
std::optional<E> FromName(const std::array<const char*, N>& names, const std::string& text) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* CapStatusName(CapStatus v) {
  return NameOf(kStatus, v);
}
const char* CapMsgTypeName(CapMsgType v) {
  return NameOf(kMsgType, v);
}
const char* CapScopeName(CapScope v) {
  return NameOf(kScope, v);
}
const char* CapUrgencyName(CapUrgency v) {
  return NameOf(kUrgency, v);
}
const char* CapSeverityName(CapSeverity v) {
  return NameOf(kSeverity, v);
}
const char* CapCertaintyName(CapCertainty v) {
  return NameOf(kCertainty, v);
}

std::optional<CapStatus> ParseCapStatus(const std::string& t) {
  return FromName<CapStatus>(kStatus, t);
}
std::optional<CapMsgType> ParseCapMsgType(const std::string& t) {
  return FromName<CapMsgType>(kMsgType, t);
}
std::optional<CapScope> ParseCapScope(const std::string& t) {
  return FromName<CapScope>(kScope, t);
}
std::optional<CapUrgency> ParseCapUrgency(const std::string& t) {
  return FromName<CapUrgency>(kUrgency, t);
}
std::optional<CapSeverity> ParseCapSeverity(const std::string& t) {
  return FromName<CapSeverity>(kSeverity, t);
}
std::optional<CapCertainty> ParseCapCertainty(const std::string& t) {
  return FromName<CapCertainty>(kCertainty, t);
}

std::vector<std::string> CapArea::Geocodes(const std::string& name) const {
  std::vector<std::string> out;
  for (const CapValue& g : geocodes) {
    if (g.name == name) out.push_back(g.value);
  }
  return out;
}

}  // namespace muster

// Fuzz target: musterctl's flag and cell parsers (client/activation_flags.h,
// client/roster_fields.h, client/number_flags.h): --need, --duration/--within
// minutes, --start, --state, --priority, numbers, locations, references,
// channels, skills, availability windows, unavailability and list cells.
//
// Every parser gets the whole input. Property for each: whatever it accepts,
// its formatter (roster_fields.h: "a value printed ... can be pasted back into
// a flag or a cell unchanged") prints as text that parses back to the same
// value; accepted numbers are finite and in the documented ranges.
#include <google/protobuf/util/message_differencer.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "activation_flags.h"
#include "core/civil_time.h"
#include "fuzz/fuzz_check.h"
#include "number_flags.h"
#include "roster_fields.h"

namespace {

using namespace muster::client;
namespace v1 = ::muster::v1;

template <typename Message>
bool Same(const Message& a, const Message& b) {
  // Not by serialising: the parsers check syntax only, so strings may hold
  // bytes that are not UTF-8, which protobuf complains about when serialising.
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

bool SameNumber(double a, double b) {
  return a == b && std::signbit(a) == std::signbit(b);
}

void CheckActivationFlags(std::string_view text) {
  v1::Requirement need;
  if (ParseNeed(text, &need).ok()) {
    FUZZ_CHECK(!need.skill().empty(), "--need names a skill");
    FUZZ_CHECK(need.count() > 0 && need.min_level() >= 0, "--need count and level in range");
    std::string printed = need.skill() + ":" +
                          (need.min_level() > 0 ? std::to_string(need.min_level()) + ":" : "") +
                          std::to_string(need.count());
    v1::Requirement back;
    FUZZ_CHECK(ParseNeed(printed, &back).ok() && Same(back, need), "--need prints and parses back");
  }
  auto minutes = ParseMinutes(text, "--duration");
  if (minutes.ok()) {
    FUZZ_CHECK(*minutes > 0, "a duration is positive");
    auto back = ParseMinutes(std::to_string(*minutes), "--duration");
    FUZZ_CHECK(back.ok() && *back == *minutes, "plain minutes parse back");
    auto hours = ParseMinutes(
        std::to_string(*minutes / 60) + "h" + std::to_string(*minutes % 60) + "m", "--duration");
    FUZZ_CHECK(hours.ok() && *hours == *minutes, "hours and minutes parse back");
  } else {
    FUZZ_CHECK(minutes.status().field() == "--duration", "a duration error names the flag");
  }
  auto start = ParseStart(text);
  if (start.ok() && start->has_value()) {
    std::string printed = muster::FormatInstant(**start);
    auto back = ParseStart(printed);
    if (printed.size() == 20 && printed >= "1900" && printed < "3000") {
      FUZZ_CHECK(back.ok() && back->has_value() && **back == **start,
                 "--start prints and parses back");
    }
  }
  auto state = ParseActivationState(text);
  if (state.ok()) {
    auto back = ParseActivationState(ActivationStateName(*state));
    FUZZ_CHECK(back.ok() && *back == *state, "--state prints and parses back");
  }
  auto priority = ParsePriority(text);
  if (priority.ok()) {
    auto back = ParsePriority(PriorityName(*priority));
    FUZZ_CHECK(back.ok() && *back == *priority, "--priority prints and parses back");
  }
}

void CheckScalars(std::string_view text) {
  double number = 0;
  if (ParseNumber(text, &number).ok()) {
    FUZZ_CHECK(std::isfinite(number), "a number is finite");
    double back = 0;
    FUZZ_CHECK(ParseNumber(FormatNumber(number), &back).ok() && SameNumber(back, number),
               "a number prints as text that parses to exactly it");
  }
  int32_t whole = 0;
  if (ParseWholeNumber(text, &whole).ok()) {
    int32_t back = 0;
    FUZZ_CHECK(ParseWholeNumber(std::to_string(whole), &back).ok() && back == whole,
               "a whole number parses back");
  }
  double lat = 0, lon = 0;
  if (ParseLatLon(text, &lat, &lon).ok()) {
    double lat2 = 0, lon2 = 0;
    FUZZ_CHECK(ParseLatLon(FormatNumber(lat) + "," + FormatNumber(lon), &lat2, &lon2).ok() &&
                   SameNumber(lat, lat2) && SameNumber(lon, lon2),
               "a location prints and parses back");
  }
  v1::ReservistStatus status{};
  if (ParseReservistStatus(text, &status).ok()) {
    v1::ReservistStatus back{};
    FUZZ_CHECK(ParseReservistStatus(ReservistStatusName(status), &back).ok() && back == status,
               "a status prints and parses back");
  }
  auto ref = ParseReservistRef(text);
  if (ref.ok()) {
    auto back = ParseReservistRef(FormatReservistRef(*ref));
    FUZZ_CHECK(back.ok() && Same(*back, *ref), "a reference prints and parses back");
  }
  // The number validators of CLI11 flags: an accepted text is a number.
  if (CheckWholeNumber(text, 1, kMaxId).empty()) {
    int64_t value = 0;
    FUZZ_CHECK(std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc(),
               "an accepted id is a whole number");
    FUZZ_CHECK(value >= 1, "an accepted id is in range");
  }
  if (CheckNumber(text, 0, 1000).empty()) {
    double value = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    FUZZ_CHECK(r.ec == std::errc() && r.ptr == text.data() + text.size(),
               "an accepted number is a decimal number");
    FUZZ_CHECK(value > 0 && value <= 1000, "an accepted number is in range");
  }
}

void CheckListItems(std::string_view text) {
  v1::ContactChannel channel;
  if (ParseChannel(text, &channel).ok()) {
    v1::ContactChannel back;
    FUZZ_CHECK(ParseChannel(FormatChannel(channel), &back).ok() && Same(back, channel),
               "a channel prints and parses back");
  }
  v1::SkillHolding holding;
  if (ParseSkillHolding(text, &holding).ok()) {
    v1::SkillHolding back;
    FUZZ_CHECK(ParseSkillHolding(FormatSkillHolding(holding), &back).ok() && Same(back, holding),
               "a skill holding prints and parses back");
  }
  google::protobuf::RepeatedPtrField<v1::WeeklyWindow> windows;
  if (ParseWeeklyWindows(text, &windows).ok()) {
    FUZZ_CHECK(!windows.empty(), "an accepted window gives at least one day");
    for (const auto& window : windows) {
      google::protobuf::RepeatedPtrField<v1::WeeklyWindow> back;
      FUZZ_CHECK(ParseWeeklyWindows(FormatWeeklyWindow(window), &back).ok() && back.size() == 1 &&
                     Same(back[0], window),
                 "a window prints and parses back");
    }
  }
  v1::Unavailability period;
  if (ParseUnavailability(text, &period).ok()) {
    v1::Unavailability back;
    FUZZ_CHECK(ParseUnavailability(FormatUnavailability(period), &back).ok() && Same(back, period),
               "an unavailability prints and parses back");
  }
  // A list cell: its items, escaped and joined again, read back the same.
  ListItemReader items(text);
  std::vector<std::string> read;
  for (std::string_view item; items.Next(&item);) read.emplace_back(item);
  if (items.status().ok()) {
    FUZZ_CHECK(items.count() == static_cast<int>(read.size()), "count() counts the items");
    std::string cell;
    for (const auto& item : read) {
      if (!cell.empty()) cell += ';';
      AppendListItem(item, &cell);
    }
    ListItemReader again(cell);
    std::vector<std::string> back;
    for (std::string_view item; again.Next(&item);) back.emplace_back(item);
    FUZZ_CHECK(again.status().ok() && back == read, "list items escape and read back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view text = muster::fuzz::AsText(data, size);
  CheckActivationFlags(text);
  CheckScalars(text);
  CheckListItems(text);
  return 0;
}

// Fuzz target: time and date parsing in daemon/core (civil_time.h,
// london_time.h).
//
// Properties, for any input text:
// - ParseDate accepts only text FormatDate gives back unchanged;
// - ParseTimeOfDay gives 0..1439 (1440 only for "24:00" with allow_24) and
//   FormatTimeOfDay gives the text back;
// - ParseInstant's result formats (FormatInstant) to text that parses to the
//   same instant whenever the UTC year is still 1900..2999;
// and for the first 8 bytes taken as an instant: the London wall clock of it
// maps back (LondonToUtc) to a reading that includes the instant itself.
#include <cstdint>
#include <cstring>
#include <string>

#include "core/civil_time.h"
#include "core/london_time.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace muster;

void CheckDateAndTime(std::string_view text) {
  if (auto date = ParseDate(text)) {
    FUZZ_CHECK(FormatDate(*date) == text, "a parsed date formats back to its text");
    FUZZ_CHECK(ParseDate(FormatDate(*date)) == date, "a formatted date parses back");
  }
  for (bool allow_24 : {false, true}) {
    if (auto minutes = ParseTimeOfDay(text, allow_24)) {
      FUZZ_CHECK(*minutes >= 0 && *minutes <= (allow_24 ? 1440 : 1439), "time of day in range");
      FUZZ_CHECK(FormatTimeOfDay(*minutes) == text, "a parsed time formats back to its text");
    }
  }
  if (auto instant = ParseInstant(text)) {
    std::string formatted = FormatInstant(*instant);
    int year = std::atoi(formatted.substr(0, 4).c_str());
    if (formatted.size() == 20 && year >= 1900 && year <= 2999) {
      auto again = ParseInstant(formatted);
      FUZZ_CHECK(again.has_value() && *again == *instant, "a formatted instant parses back");
    }
  }
}

void CheckLondon(int64_t t) {
  FUZZ_CHECK(!FormatInstant(t).empty(), "every instant formats");
  LondonTime local = UtcToLondon(t);
  FUZZ_CHECK(local.minute_of_day >= 0 && local.minute_of_day < 1440, "minute of day in range");
  FUZZ_CHECK(local.second >= 0 && local.second < 60, "second in range");
  FUZZ_CHECK(local.iso_weekday >= 1 && local.iso_weekday <= 7, "weekday in range");
  FUZZ_CHECK(local.offset_minutes == 0 || local.offset_minutes == 60, "offset is GMT or BST");
  FUZZ_CHECK(NextLondonTransition(t) > t || NextLondonTransition(t) == INT64_MAX,
             "the next clock change is later");
  // Inside the exactly computed span, local time maps back to the instant.
  if (t > -kCivilLimitSeconds / 2 && t < kCivilLimitSeconds / 2) {
    LocalToUtc back = LondonToUtc(local.date, SecondOfDay(local));
    FUZZ_CHECK(back.kind != LocalTimeKind::kSkipped, "a shown wall clock is never skipped");
    FUZZ_CHECK(back.earliest == t || back.latest == t, "wall clock maps back to the instant");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = muster::fuzz::AsText(data, size);
  CheckDateAndTime(text);
  if (size >= 8) {
    int64_t t = 0;
    std::memcpy(&t, data, sizeof t);
    CheckLondon(t);
  }
  return 0;
}

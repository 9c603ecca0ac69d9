// Fuzz target: the packed child lists read back from the database
// (daemon/store/packed_children.h): channels, weekly windows and dated
// unavailability stored as small JSON arrays in a reservist's row.
//
// Properties, for each of the three readers and any text:
// - what is accepted packs (PackChildren) and unpacks again to the same list;
// - what is accepted is what a JSON parser (nlohmann) reads from the same
//   text when it reads it at all: the same numbers (no silent wrapping of a
//   stored number that does not fit) and the same strings (escapes decoded
//   alike);
// - strings read from valid UTF-8 text are valid UTF-8 (a broken surrogate
//   pair escape must not decode to stray bytes).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "store/packed_children.h"

namespace {

using namespace muster;
using nlohmann::json;

// The items of text as a JSON array of arrays; nullopt when it is not one.
std::optional<json> JsonItems(std::string_view text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) return std::nullopt;
  for (const auto& item : parsed) {
    if (!item.is_array()) return std::nullopt;
  }
  return parsed;
}

// Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF.
bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    uint32_t code = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      code = (code << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMin[n] || code > 0x10FFFF || (code >= 0xD800 && code < 0xE000)) return false;
    i += n;
  }
  return true;
}

bool IsInt(const json& v, int64_t expected) {
  return v.is_number_integer() && v.get<int64_t>() == expected;
}

void CheckChannels(std::string_view text, const std::optional<json>& items) {
  std::vector<ContactChannel> channels;
  if (!UnpackChannels(text, channels).ok()) {
    FUZZ_CHECK(channels.empty(), "a failed read leaves nothing behind");
    return;
  }
  Reservist r;
  r.channels = channels;
  PackedChildren packed;
  PackChildren(r, packed);
  std::vector<ContactChannel> back;
  FUZZ_CHECK(UnpackChannels(packed.channels, back).ok() && back == channels,
             "channels pack and unpack to the same list");
  if (IsUtf8(text)) {
    for (const auto& c : channels) FUZZ_CHECK(IsUtf8(c.address), "UTF-8 in, UTF-8 out");
  }
  if (!items) return;
  FUZZ_CHECK(items->size() == channels.size(), "as many channels as JSON items");
  for (size_t i = 0; i < channels.size(); ++i) {
    const json& item = (*items)[i];
    FUZZ_CHECK(item.size() == 2 && IsInt(item[0], static_cast<int>(channels[i].kind)),
               "a channel's kind is the stored number");
    FUZZ_CHECK(item[1].is_string() && item[1].get<std::string>() == channels[i].address,
               "a channel's address is the stored string");
  }
}

void CheckWindows(std::string_view text, const std::optional<json>& items) {
  std::vector<WeeklyWindow> windows;
  if (!UnpackWindows(text, windows).ok()) {
    FUZZ_CHECK(windows.empty(), "a failed read leaves nothing behind");
    return;
  }
  Reservist r;
  r.availability = windows;
  PackedChildren packed;
  PackChildren(r, packed);
  std::vector<WeeklyWindow> back;
  FUZZ_CHECK(UnpackWindows(packed.windows, back).ok() && back == windows,
             "windows pack and unpack to the same list");
  if (!items) return;
  FUZZ_CHECK(items->size() == windows.size(), "as many windows as JSON items");
  for (size_t i = 0; i < windows.size(); ++i) {
    const json& item = (*items)[i];
    FUZZ_CHECK(item.size() == 3 && IsInt(item[0], windows[i].day) &&
                   IsInt(item[1], windows[i].start_min) && IsInt(item[2], windows[i].end_min),
               "a window's numbers are the stored numbers");
  }
}

void CheckUnavailability(std::string_view text, const std::optional<json>& items) {
  std::vector<Unavailability> periods;
  if (!UnpackUnavailability(text, periods).ok()) {
    FUZZ_CHECK(periods.empty(), "a failed read leaves nothing behind");
    return;
  }
  Reservist r;
  r.unavailable = periods;
  PackedChildren packed;
  PackChildren(r, packed);
  std::vector<Unavailability> back;
  FUZZ_CHECK(UnpackUnavailability(packed.unavailability, back).ok() && back == periods,
             "unavailability packs and unpacks to the same list");
  if (IsUtf8(text)) {
    for (const auto& p : periods) FUZZ_CHECK(IsUtf8(p.reason), "UTF-8 in, UTF-8 out");
  }
  if (!items) return;
  FUZZ_CHECK(items->size() == periods.size(), "as many periods as JSON items");
  for (size_t i = 0; i < periods.size(); ++i) {
    const json& item = (*items)[i];
    FUZZ_CHECK(item.size() == 3 && IsInt(item[0], periods[i].from.days) &&
                   IsInt(item[1], periods[i].until.days),
               "a period's days are the stored numbers");
    FUZZ_CHECK(item[2].is_string() && item[2].get<std::string>() == periods[i].reason,
               "a period's reason is the stored string");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  std::string_view text = muster::fuzz::AsText(data, size);
  std::optional<json> items = JsonItems(text);
  CheckChannels(text, items);
  CheckWindows(text, items);
  CheckUnavailability(text, items);
  return 0;
}

// Text helpers shared by every area: hex, UTF-8, JSON string escaping,
// trimming and percent (URL) encoding. Written once here so that each
// encoding has one definition; pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace muster {

// ---------------------------------------------------------------- hex

enum class HexCase { kLower, kUpper };

// Two hex digits per byte ("\x0f\xa0" -> "0fa0"), lower-case unless asked.
std::string HexEncode(std::string_view bytes, HexCase letters = HexCase::kLower);

// The value of one hex digit (either case), or -1 if `c` is not one.
int HexDigitValue(char c);

// The bytes that `hex` spells (digits of either case); nullopt if its length
// is odd or it holds anything but hex digits.
std::optional<std::string> HexDecode(std::string_view hex);

// ---------------------------------------------------------------- UTF-8

// Length (1-4) of the well-formed UTF-8 sequence that starts at text[i], or 0
// if none does there: a stray continuation byte, a truncated sequence, an
// overlong form, a surrogate (U+D800-U+DFFF) or a value past U+10FFFF.
// Requires i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

// True if all of `text` is well-formed UTF-8; otherwise false, with the
// offset of the first byte that is not (when bad_offset is given).
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

// ---------------------------------------------------------------- JSON

// Appends `text` as the inside of a JSON string (no quotes): '"' and '\\'
// escaped, \b \f \n \r \t as such, other bytes below 0x20 as \u00xx,
// everything else as it is. Bytes that are not well-formed UTF-8 become
// U+FFFD (written as its UTF-8 bytes), one for each maximal ill-formed
// subpart, the practice Unicode recommends (section 3.9) and the one
// nlohmann::json's `replace` error handler follows; so the result is always
// valid UTF-8, byte for byte what nlohmann::json::dump writes.
void AppendJsonEscaped(std::string& out, std::string_view text);

// AppendJsonEscaped into a new string.
std::string JsonEscape(std::string_view text);

// ---------------------------------------------------------------- trimming

// `text` without leading and trailing spaces and tabs (line breaks and other
// characters are kept: callers reject them where they are not allowed).
std::string_view Trim(std::string_view text);

// ---------------------------------------------------------------- URL

// Percent-encoding (RFC 3986): the unreserved characters A-Z a-z 0-9 - . _ ~
// kept, every other byte as %XX (upper-case hex), a space as %20. Right for
// a query value or an application/x-www-form-urlencoded value.
std::string UrlEncode(std::string_view text);

enum class PlusSign { kLiteral, kSpace };

// Percent-decoding of `in` into *out; with PlusSign::kSpace (form bodies and
// query strings) '+' is a space. Returns false if a '%' is not followed by
// two hex digits; that '%' is then kept literally and decoding goes on.
bool PercentDecode(std::string_view in, PlusSign plus, std::string* out);

}  // namespace muster

#include "core/text.h"

#include <cstdint>
#include <cstring>

namespace muster {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

// The bytes at text[i...] read as UTF-8 (Unicode table 3-7): sets *length to
// the length of the well-formed sequence there and returns true, or returns
// false with *length the length of the maximal ill-formed subpart (at least
// 1): the longest prefix of a well-formed sequence, which is replaced as one.
bool ScanUtf8(std::string_view text, size_t i, size_t* length) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *length = 1;
    return true;
  }
  size_t need = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) low = 0xA0;   // overlong below U+0800
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) low = 0x90;   // overlong below U+10000
    if (c == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    *length = 1;  // a continuation byte, C0, C1 or F5-FF: never a lead byte
    return false;
  }
  size_t k = 1;
  for (; k < need && i + k < text.size(); ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (b < low || b > high) break;
    low = 0x80, high = 0xBF;
  }
  *length = k;
  return k == need;
}

}  // namespace

std::string HexEncode(std::string_view bytes, HexCase letters) {
  const char* digits = letters == HexCase::kUpper ? kUpperHex : kLowerHex;
  std::string out(2 * bytes.size(), '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = digits[b >> 4];
    out[2 * i + 1] = digits[b & 0xF];
  }
  return out;
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int high = HexDigitValue(hex[2 * i]);
    const int low = HexDigitValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<char>(high * 16 + low);
  }
  return out;
}

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  size_t length = 0;
  return ScanUtf8(text, i, &length) ? length : 0;
}

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time: most text is mostly ASCII.
    if (i + 8 <= n) {
      uint64_t chunk;
      std::memcpy(&chunk, text.data() + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    size_t length = 0;
    if (!ScanUtf8(text, i, &length)) {
      if (bad_offset != nullptr) *bad_offset = i;
      return false;
    }
    i += length;
  }
  return true;
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  size_t plain = 0;  // start of the run of bytes copied as they are
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 1;
    if (c >= 0x80 && ScanUtf8(text, i, &length)) {
      i += length;  // well-formed: copied as it is
      continue;
    }
    out.append(text, plain, i - plain);
    if (c >= 0x80) {
      out += "\xEF\xBF\xBD";  // U+FFFD for the ill-formed subpart
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\u00";
      out += kLowerHex[c >> 4];
      out += kLowerHex[c & 0xF];
    }
    i += length;
    plain = i;
  }
  out.append(text, plain, text.size() - plain);
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  AppendJsonEscaped(out, text);
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kUpperHex[c >> 4];
      out += kUpperHex[c & 0xF];
    }
  }
  return out;
}

bool PercentDecode(std::string_view in, PlusSign plus, std::string* out) {
  bool ok = true;
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+' && plus == PlusSign::kSpace) {
      *out += ' ';
    } else if (c == '%' && i + 2 < in.size() && HexDigitValue(in[i + 1]) >= 0 &&
               HexDigitValue(in[i + 2]) >= 0) {
      *out += static_cast<char>(HexDigitValue(in[i + 1]) * 16 + HexDigitValue(in[i + 2]));
      i += 2;
    } else {
      if (c == '%') ok = false;
      *out += c;
    }
  }
  return ok;
}

}  // namespace muster

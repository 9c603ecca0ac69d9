#include "core/text.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

using namespace muster;

TEST_CASE("hex encodes every byte as two digits, in either case", "[text]") {
  CHECK(HexEncode("") == "");
  CHECK(HexEncode(std::string("\x00\x0f\xa0\xff", 4)) == "000fa0ff");
  CHECK(HexEncode(std::string("\x00\x0f\xa0\xff", 4), HexCase::kUpper) == "000FA0FF");
  CHECK(HexEncode("Jo") == "4a6f");
}

TEST_CASE("hex decodes digits of either case and refuses anything else", "[text]") {
  CHECK(HexDecode("") == std::string());
  CHECK(HexDecode("000fA0Ff") == std::string("\x00\x0f\xa0\xff", 4));
  CHECK_FALSE(HexDecode("abc"));   // odd length
  CHECK_FALSE(HexDecode("0g"));    // not a digit
  CHECK_FALSE(HexDecode(" 0a"));   // odd, and a space
  CHECK_FALSE(HexDecode("0a\n"));  // a line break is not a digit
  CHECK(HexDigitValue('7') == 7);
  CHECK(HexDigitValue('b') == 11);
  CHECK(HexDigitValue('F') == 15);
  CHECK(HexDigitValue('g') == -1);
  CHECK(HexDigitValue('/') == -1);
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  CHECK(HexDecode(HexEncode(all)) == all);
  CHECK(HexDecode(HexEncode(all, HexCase::kUpper)) == all);
}

TEST_CASE("UTF-8 check accepts well-formed text and finds the first bad byte", "[text]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ASCII that is longer than eight bytes"));
  CHECK(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x92"));
  CHECK(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
  CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
  struct Bad {
    std::string text;
    size_t offset;
  };
  for (const Bad& bad : {Bad{"abcdefgh\x80", 8},      // stray continuation after a fast chunk
                         Bad{"x\xc0\xaf", 1},         // overlong '/'
                         Bad{"\xc1\xbf", 0},          // overlong
                         Bad{"\xe0\x80\xaf", 0},      // overlong 3-byte
                         Bad{"\xf0\x80\x80\xaf", 0},  // overlong 4-byte
                         Bad{"ok \xed\xa0\x80", 3},   // surrogate U+D800
                         Bad{"\xf4\x90\x80\x80", 0},  // past U+10FFFF
                         Bad{"\xf5\x80\x80\x80", 0},  // never a lead byte
                         Bad{"cut \xe2\x82", 4},      // truncated at the end
                         Bad{"\xe2\x82x", 0},         // truncated inside
                         Bad{"caf\xe9 latin-1", 3},   // Latin-1, not UTF-8
                         Bad{"caf\xc3\xa9\xff", 5}}) {
    size_t offset = 99;
    CHECK_FALSE(IsValidUtf8(bad.text, &offset));
    CHECK(offset == bad.offset);
  }
  CHECK(Utf8SequenceLength("\xf0\x9f\x9a\x92", 0) == 4);
  CHECK(Utf8SequenceLength("a\xc3\xa9", 1) == 2);
  CHECK(Utf8SequenceLength("a\xc3\xa9", 2) == 0);
  CHECK(Utf8SequenceLength("\xe2\x82", 0) == 0);
}

TEST_CASE("JSON escaping escapes what JSON requires and replaces bad UTF-8 with U+FFFD", "[text]") {
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(JsonEscape("a\"b\\c/d") == "a\\\"b\\\\c/d");
  CHECK(JsonEscape("\b\f\n\r\t") == "\\b\\f\\n\\r\\t");
  CHECK(JsonEscape(std::string("\x00\x01\x1f\x7f", 4)) == "\\u0000\\u0001\\u001f\x7f");
  CHECK(JsonEscape("\xe2\x82\xac") == "\xe2\x82\xac");  // well-formed kept as it is
  // One U+FFFD for each maximal ill-formed subpart (Unicode 3.9).
  CHECK(JsonEscape("\xc0\xaf") == fffd + fffd);             // C0 is never a lead byte
  CHECK(JsonEscape("\xed\xa0\x80") == fffd + fffd + fffd);  // ED allows 80-9F only
  CHECK(JsonEscape("\xe2\x82") == fffd);                    // one truncated sequence
  CHECK(JsonEscape("\xe2\x82x\"") == fffd + "x\\\"");       // the byte after it is read again
  CHECK(JsonEscape("\xf0\x9f\x9a") == fffd);
  CHECK(JsonEscape("a\xff"
                   "b") == "a" + fffd + "b");
  std::string out = "{";
  AppendJsonEscaped(out, "x\n");
  CHECK(out == "{x\\n");
}

TEST_CASE("JSON escaping writes what nlohmann::json writes, for any bytes", "[text]") {
  // Random strings drawn mostly from the bytes where UTF-8 goes wrong.
  std::mt19937 rng(20261207);
  const unsigned char interesting[] = {'a',  '"',  '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0x8f,
                                       0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                                       0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff};
  std::uniform_int_distribution<size_t> pick(0, sizeof interesting - 1);
  std::uniform_int_distribution<size_t> length(0, 12);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (size_t n = length(rng); n > 0; --n) text += static_cast<char>(interesting[pick(rng)]);
    std::string reference =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string ours = '"' + JsonEscape(text) + '"';
    if (ours != reference) FAIL("differs for bytes " << HexEncode(text));
    CHECK(IsValidUtf8(ours));
  }
}

TEST_CASE("Trim drops spaces and tabs at both ends only", "[text]") {
  CHECK(Trim("") == "");
  CHECK(Trim(" \t ") == "");
  CHECK(Trim("\t a b \t") == "a b");
  CHECK(Trim("\na\r") == "\na\r");  // line breaks are the caller's to refuse
}

TEST_CASE("URL encoding keeps the unreserved characters and round-trips", "[text]") {
  CHECK(UrlEncode("AZaz09-._~") == "AZaz09-._~");
  CHECK(UrlEncode("a b+c&d=e/f?") == "a%20b%2Bc%26d%3De%2Ff%3F");
  CHECK(UrlEncode("caf\xc3\xa9") == "caf%C3%A9");
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string decoded;
  CHECK(PercentDecode(UrlEncode(all), PlusSign::kLiteral, &decoded));
  CHECK(decoded == all);
}

TEST_CASE("percent decoding reads + as a space only in forms and keeps a bad escape", "[text]") {
  std::string out;
  CHECK(PercentDecode("a+b%2Bc%2b", PlusSign::kSpace, &out));
  CHECK(out == "a b+c+");
  CHECK(PercentDecode("a+b", PlusSign::kLiteral, &out));
  CHECK(out == "a+b");
  CHECK_FALSE(PercentDecode("100%", PlusSign::kLiteral, &out));
  CHECK(out == "100%");
  CHECK_FALSE(PercentDecode("%zz%41", PlusSign::kLiteral, &out));
  CHECK(out == "%zzA");
  CHECK_FALSE(PercentDecode("%4", PlusSign::kLiteral, &out));
  CHECK(out == "%4");
}

#include "digest/hash.h"

#include <catch2/catch.hpp>

#include "core/text.h"

using namespace muster;

TEST_CASE("SHA-256 of text matches the FIPS 180-2 example", "[hash]") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("HMAC-SHA256 and HMAC-SHA1 match RFC 4231 and RFC 2202 test case 2", "[hash]") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        HmacSha256Hex("Jefe", "what do ya want for nothing?"));
  CHECK(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("constant-time comparison compares whole strings", "[hash]") {
  CHECK(ConstantTimeEquals("", ""));
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

// SHA-256 and HMAC of in-memory text, the one place the daemon calls
// OpenSSL's digests for them (the audit chain, API tokens, webhook and SMS
// signatures). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace muster {

// SHA-256 of `text` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view text);

// HMAC-SHA256 of `data` under `key`: the 32 raw bytes, and as 64 lower-case
// hex digits.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// HMAC-SHA1 of `data` under `key`, the 20 raw bytes (Twilio's request
// signature; nothing of Muster's own uses SHA-1).
std::string HmacSha1(std::string_view key, std::string_view data);

// Compares two strings without an early exit (CRYPTO_memcmp), for secrets
// and MACs; strings of different lengths compare unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace muster

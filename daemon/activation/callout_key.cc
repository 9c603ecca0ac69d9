#include "activation/callout_key.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <charconv>

namespace muster {
namespace {

constexpr std::string_view kStandDownSuffix = "-standdown";
constexpr size_t kMacDigits = 32;

// A positive decimal id at the front of `text`, up to `stop`; consumes it
// and the stop character.
std::optional<int64_t> TakeId(std::string_view& text, char stop) {
  size_t end = text.find(stop);
  if (end == 0 || end == std::string_view::npos) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, id);
  if (ec != std::errc() || ptr != text.data() + end || id <= 0) return std::nullopt;
  text.remove_prefix(end + 1);
  return id;
}

}  // namespace

std::string CalloutKey(int64_t activation_id, int64_t reservist_id) {
  return fmt::format("muster-a{}-r{}", activation_id, reservist_id);
}

std::string MessageKey(std::string_view callout_key, MessageRole role) {
  std::string key(callout_key);
  if (role == MessageRole::kStandDown) key += kStandDownSuffix;
  return key;
}

std::string ReceiptReference(int64_t activation_id, int64_t callout_id,
                             std::string_view answer_token, MessageRole role) {
  if (answer_token.empty()) return "";
  std::string input = "muster-receipt:";
  input += answer_token;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out = fmt::format("{}-{}-", activation_id, callout_id);
  for (size_t i = 0; i < kMacDigits / 2; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  if (role == MessageRole::kStandDown) out += kStandDownSuffix;
  return out;
}

std::optional<ReceiptReferenceParts> ParseReceiptReference(std::string_view reference) {
  ReceiptReferenceParts parts;
  if (reference.ends_with(kStandDownSuffix)) {
    parts.role = MessageRole::kStandDown;
    reference.remove_suffix(kStandDownSuffix.size());
  }
  auto activation = TakeId(reference, '-');
  if (!activation) return std::nullopt;
  auto callout = TakeId(reference, '-');
  if (!callout) return std::nullopt;
  if (reference.size() != kMacDigits) return std::nullopt;
  for (char c : reference) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  parts.activation_id = *activation;
  parts.callout_id = *callout;
  return parts;
}

bool ReceiptReferenceMatches(std::string_view reference, const ReceiptReferenceParts& parts,
                             std::string_view answer_token) {
  const std::string expected =
      ReceiptReference(parts.activation_id, parts.callout_id, answer_token, parts.role);
  return !expected.empty() && expected.size() == reference.size() &&
         CRYPTO_memcmp(expected.data(), reference.data(), reference.size()) == 0;
}

}  // namespace muster

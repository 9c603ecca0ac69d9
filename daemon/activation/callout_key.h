// The names a call-out's messages carry outside Muster, made and read in
// this one place:
// - the idempotency key, "muster-a<activation>-r<reservist>", stored with
//   the call-out (and in the outbox), the same on every resend, and
//   "<key>-standdown" for its stand-down message;
// - the receipt reference an SMS gateway is given and echoes in its
//   delivery receipt: "<activation>-<call-out>-<mac>", the mac being 32 hex
//   digits of SHA-256 over the call-out's secret answer token, so it cannot
//   be guessed from the ids and does not reveal the token; "<that>-standdown"
//   for the stand-down. The same on every resend; needs no lookup table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace muster {

// Which of a call-out's messages.
enum class MessageRole { kCallout, kStandDown };

// "muster-a<activation>-r<reservist>".
std::string CalloutKey(int64_t activation_id, int64_t reservist_id);
// The idempotency key of a call-out's message: its key, or "<key>-standdown".
std::string MessageKey(std::string_view callout_key, MessageRole role);

// "" when the answer token is empty.
std::string ReceiptReference(int64_t activation_id, int64_t callout_id,
                             std::string_view answer_token, MessageRole role);

struct ReceiptReferenceParts {
  int64_t activation_id = 0;
  int64_t callout_id = 0;
  MessageRole role = MessageRole::kCallout;
};
// The ids and role of a reference of the form ReceiptReference makes
// (positive decimal ids, 32 lower-case hex digits, optional "-standdown");
// nullopt for anything else. Says nothing about the mac: see
// ReceiptReferenceMatches.
std::optional<ReceiptReferenceParts> ParseReceiptReference(std::string_view reference);
// `reference` is exactly what ReceiptReference makes for `parts` and the
// call-out's answer token (compared in constant time). False for an empty
// token.
bool ReceiptReferenceMatches(std::string_view reference, const ReceiptReferenceParts& parts,
                             std::string_view answer_token);

}  // namespace muster

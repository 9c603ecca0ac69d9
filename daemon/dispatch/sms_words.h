// The words of SMS traffic the dispatcher reads, parsed in one place: a
// reservist's reply ("YES"/"NO") and an SMS gateway's delivery status.
// Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "dispatch/callout_machine.h"

namespace muster::dispatch {

// The answer in an SMS reply: its first word (letters only, any case,
// anything before it skipped): YES, Y or ACCEPT; NO, N or DECLINE.
// InvalidArgument("text", "'MAYBE' is neither YES nor NO") otherwise.
Result<AnswerKind> ParseSmsReply(std::string_view text);

// What a delivery receipt says about a message.
enum class ReceiptStatus { kDelivered, kFailed };
// A gateway's status word, any case: delivered (delivered, delivrd) or
// failed (failed, undelivered, undeliv, rejected, expired); nullopt for the
// intermediate ones (queued, sent, accepted, ...), which change nothing.
std::optional<ReceiptStatus> ParseReceiptStatus(std::string_view status);

}  // namespace muster::dispatch

#include "dispatch/sms_words.h"

#include <fmt/format.h>

#include <cctype>
#include <string>

namespace muster::dispatch {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<AnswerKind> ParseSmsReply(std::string_view text) {
  std::string word;
  for (char ch : text) {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    } else if (!word.empty()) {
      break;
    }
  }
  if (word == "YES" || word == "Y" || word == "ACCEPT") return AnswerKind::kAccept;
  if (word == "NO" || word == "N" || word == "DECLINE") return AnswerKind::kDecline;
  return Status::InvalidArgument("text", fmt::format("'{}' is neither YES nor NO", word));
}

std::optional<ReceiptStatus> ParseReceiptStatus(std::string_view status) {
  const std::string s = Lower(status);
  if (s == "delivered" || s == "delivrd") return ReceiptStatus::kDelivered;
  if (s == "failed" || s == "undelivered" || s == "rejected" || s == "undeliv" || s == "expired") {
    return ReceiptStatus::kFailed;
  }
  return std::nullopt;
}

}  // namespace muster::dispatch

// Building an RFC 5322 / MIME text message for the email backend: one
// text/plain UTF-8 part, quoted-printable, CRLF line ends, RFC 2047
// encoded-words for non-ASCII headers. Pure functions, thread-safe.
#pragma once

#include <ctime>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

// Standard base64 (RFC 4648) with padding, no line breaks.
std::string Base64(const std::string& bytes);
// Quoted-printable (RFC 2045) of UTF-8 text; any of \n, \r\n, \r ends a line;
// output lines are at most 76 characters, CRLF-terminated except the last.
std::string QuotedPrintable(const std::string& text);
// The header value as is when printable ASCII, else RFC 2047 B-encoded
// words (=?UTF-8?B?...?=) folded with CRLF SP. CR/LF in the input become spaces.
std::string EncodeHeaderText(const std::string& text);
// "Wed, 25 Nov 2026 10:08:48 +0000".
std::string Rfc5322Date(std::time_t t);
// Doubles a leading '.' on every line (SMTP DATA transparency, RFC 5321 4.5.2).
std::string DotStuff(const std::string& crlf_text);
// Headers + blank line + QP body, CRLF line ends, not dot-stuffed.
// Message-ID is <idempotency_key@muster>.
std::string BuildMimeMessage(const Message& message, const std::string& from, std::time_t now);
// Checks an address for use in SMTP envelope and headers: local@domain, no
// spaces, control characters, or <>.
bool IsPlausibleEmail(const std::string& address);

}  // namespace muster::notify

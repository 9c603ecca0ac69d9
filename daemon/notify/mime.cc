#include "notify/mime.h"

#include <openssl/evp.h>

#include <vector>

#include "core/text.h"

namespace muster::notify {
namespace {

bool IsPrintableAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n);
  return out;
}

std::string QuotedPrintable(const std::string& text) {
  // Split into logical lines first.
  std::vector<std::string> lines(1);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.emplace_back();
    } else {
      lines.back() += c;
    }
  }
  std::string out;
  for (size_t li = 0; li < lines.size(); ++li) {
    const std::string& line = lines[li];
    std::string cur;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string tok;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        tok = static_cast<char>(c);
      } else {
        tok = '=' + HexEncode(std::string_view(&line[i], 1), HexCase::kUpper);
      }
      // 75 characters plus the soft-break '=' keeps lines within 76.
      if (cur.size() + tok.size() > 75) {
        out += cur + "=\r\n";
        cur.clear();
      }
      cur += tok;
    }
    out += cur;
    if (li + 1 < lines.size()) out += "\r\n";
  }
  return out;
}

std::string EncodeHeaderText(const std::string& input) {
  std::string text = input;
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (IsPrintableAscii(text)) return text;
  // Chunks of at most 45 bytes, split only at UTF-8 character starts, so each
  // encoded word (12 + 60 characters) fits a 76-character line.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && end > i + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string Rfc5322Date(std::time_t t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string DotStuff(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool line_start = true;
  for (char c : text) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

bool IsPlausibleEmail(const std::string& a) {
  size_t at = a.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.size() > 254) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == '\\' || c == '"') {
      return false;
    }
  }
  return true;
}

std::string BuildMimeMessage(const Message& m, const std::string& from, std::time_t now) {
  std::string to = "<" + m.channel.address + ">";
  if (!m.reservist_name.empty()) {
    // Quotes and backslashes would need quoted-pair escaping; a name does without them.
    std::string raw;
    for (char c : m.reservist_name) {
      if (c != '"' && c != '\\') raw += c;
    }
    std::string name = EncodeHeaderText(raw);
    bool plain = name == raw;
    to = (plain ? "\"" + name + "\"" : name) + " " + to;
  }
  std::string out;
  out += "Date: " + Rfc5322Date(now) + "\r\n";
  out += "From: <" + from + ">\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + EncodeHeaderText(m.subject) + "\r\n";
  out += "Message-ID: <" + m.idempotency_key + "@muster>\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += std::string("X-Muster-Kind: ") + MessageKindName(m.kind) + "\r\n";
  out += "\r\n";
  out += QuotedPrintable(m.text);
  return out;
}

}  // namespace muster::notify

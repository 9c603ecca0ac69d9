#include "store/packed_children.h"

#include <fmt/format.h>

#include <charconv>

#include "core/text.h"

namespace muster {
namespace {

// ---------------------------------------------------------------- writing

void AppendInt(int64_t value, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

// Lossless, unlike AppendJsonEscaped (core/text.h): the bytes are stored as
// they were given, ill-formed UTF-8 included, so nothing is replaced.
void AppendString(std::string_view text, std::string& out) {
  out += '"';
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += "\\u00";
      out += HexEncode(text.substr(i, 1));
    }
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

// Writes [item, item, ...] with write_item(item, out) writing each item's
// inner values (without brackets).
template <typename T, typename WriteItem>
void AppendList(const std::vector<T>& items, std::string& out, const WriteItem& write_item) {
  out.clear();
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "[" : ",[";
    write_item(items[i], out);
    out += ']';
  }
  out += ']';
}

// ---------------------------------------------------------------- reading

// A cursor over one packed list: [[v, v, ...], [v, ...], ...] where each v is
// an integer or a string. No whitespace is written, but any is skipped.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool ok() const { return ok_; }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Consume(c)) ok_ = false;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  // An integer that fits T; anything else (a number too large for the field
  // it is read into) makes the list unreadable rather than wrapping silently.
  template <typename T>
  T Int() {
    SkipSpace();
    T value = 0;
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
    if (ec != std::errc()) {
      ok_ = false;
      return 0;
    }
    pos_ = static_cast<size_t>(end - text_.data());
    return value;
  }
  void String(std::string& out) {
    out.clear();
    if (!Consume('"')) {
      ok_ = false;
      return;
    }
    while (ok_) {
      const size_t run = text_.find_first_of("\"\\", pos_);
      if (run == std::string_view::npos) {
        ok_ = false;
        return;
      }
      out.append(text_.substr(pos_, run - pos_));
      pos_ = run + 1;
      if (text_[run] == '"') return;
      Escape(out);
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  uint32_t Hex4() {
    uint32_t value = 0;
    if (pos_ + 4 > text_.size()) {
      ok_ = false;
      return 0;
    }
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, value, 16);
    if (ec != std::errc() || end != text_.data() + pos_ + 4) ok_ = false;
    pos_ += 4;
    return value;
  }
  void Escape(std::string& out) {  // after a backslash
    if (pos_ >= text_.size()) {
      ok_ = false;
      return;
    }
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return;  // clang-format off
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;  // clang-format on
      case 'u':
        break;
      default:
        ok_ = false;
        return;
    }
    uint32_t code = Hex4();
    // A surrogate is only valid as the first half of a pair; a lone or
    // reversed one would decode to bytes that are not UTF-8.
    if (code >= 0xDC00 && code < 0xE000) ok_ = false;
    if (code >= 0xD800 && code < 0xDC00) {
      uint32_t low = 0;
      if (text_.substr(pos_, 2) == "\\u") {
        pos_ += 2;
        low = Hex4();
      }
      if (low < 0xDC00 || low >= 0xE000) ok_ = false;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (ok_) AppendUtf8(code, out);
  }
  static void AppendUtf8(uint32_t code, std::string& out) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Reads [[...], ...] into out, read_item(reader, item) reading each item's
// values separated by Expect(',').
template <typename T, typename ReadItem>
Status ReadList(std::string_view json, const char* what, std::vector<T>& out,
                const ReadItem& read_item) {
  out.clear();
  Reader in(json);
  in.Expect('[');
  if (in.ok() && !in.Consume(']')) {
    do {
      in.Expect('[');
      if (!in.ok()) break;
      read_item(in, out.emplace_back());
      in.Expect(']');
    } while (in.ok() && in.Consume(','));
    in.Expect(']');
  }
  if (in.ok() && in.AtEnd()) return {};
  out.clear();
  return Status::Internal(fmt::format("stored {} are not a packed list: {:.80}", what, json));
}

// Characters, as SQLite's length() counts them (the old CHECKs used it).
size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Status OutOfRange(const char* list, size_t i, const char* field, const std::string& detail) {
  return Status::InvalidArgument(fmt::format("{}[{}].{}", list, i, field),
                                 fmt::format("rejected by the store ({})", detail));
}

}  // namespace

Status CheckPackedChildren(const Reservist& r) {
  for (size_t i = 0; i < r.channels.size(); ++i) {
    const auto kind = static_cast<int>(r.channels[i].kind);
    if (!ChannelKindFromNumber(kind)) {
      return OutOfRange("channels", i, "kind", fmt::format("kind {} is no channel kind", kind));
    }
    const size_t length = Utf8Length(r.channels[i].address);
    if (length < 1 || length > 500) {
      return OutOfRange("channels", i, "address", fmt::format("{} characters, not 1..500", length));
    }
  }
  for (size_t i = 0; i < r.availability.size(); ++i) {
    const WeeklyWindow& w = r.availability[i];
    if (w.day < 1 || w.day > 7) {
      return OutOfRange("availability", i, "day", fmt::format("day {} is not 1..7", w.day));
    }
    if (w.start_min < 0 || w.start_min > 1439) {
      return OutOfRange("availability", i, "start",
                        fmt::format("start {} is not 0..1439", w.start_min));
    }
    if (w.end_min < 0 || w.end_min > 1440) {
      return OutOfRange("availability", i, "end", fmt::format("end {} is not 0..1440", w.end_min));
    }
  }
  for (size_t i = 0; i < r.unavailable.size(); ++i) {
    if (r.unavailable[i].until < r.unavailable[i].from) {
      return OutOfRange("unavailable", i, "until", "until is before from");
    }
  }
  return {};
}

void PackChildren(const Reservist& r, PackedChildren& out) {
  AppendList(r.channels, out.channels, [](const ContactChannel& c, std::string& s) {
    AppendInt(static_cast<int>(c.kind), s);
    s += ',';
    AppendString(c.address, s);
  });
  AppendList(r.availability, out.windows, [](const WeeklyWindow& w, std::string& s) {
    AppendInt(w.day, s);
    s += ',';
    AppendInt(w.start_min, s);
    s += ',';
    AppendInt(w.end_min, s);
  });
  AppendList(r.unavailable, out.unavailability, [](const Unavailability& u, std::string& s) {
    AppendInt(u.from.days, s);
    s += ',';
    AppendInt(u.until.days, s);
    s += ',';
    AppendString(u.reason, s);
  });
}

Status UnpackChannels(std::string_view json, std::vector<ContactChannel>& out) {
  return ReadList(json, "channels", out, [](Reader& in, ContactChannel& c) {
    c.kind = static_cast<ChannelKind>(in.Int<int>());
    in.Expect(',');
    in.String(c.address);
  });
}

Status UnpackWindows(std::string_view json, std::vector<WeeklyWindow>& out) {
  return ReadList(json, "windows", out, [](Reader& in, WeeklyWindow& w) {
    w.day = in.Int<int>();
    in.Expect(',');
    w.start_min = in.Int<int>();
    in.Expect(',');
    w.end_min = in.Int<int>();
  });
}

Status UnpackUnavailability(std::string_view json, std::vector<Unavailability>& out) {
  return ReadList(json, "unavailability", out, [](Reader& in, Unavailability& u) {
    u.from = Date{in.Int<int32_t>()};
    in.Expect(',');
    u.until = Date{in.Int<int32_t>()};
    in.Expect(',');
    in.String(u.reason);
  });
}

}  // namespace muster

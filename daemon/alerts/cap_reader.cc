#include "alerts/cap_reader.h"

#include <charconv>
#include <cmath>

#include "core/civil_time.h"

namespace muster::cap_detail {

namespace {

constexpr std::string_view kSpace = " \t\r\n";

}  // namespace

std::string_view Trim(std::string_view s) {
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::vector<std::string_view> SplitSpace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    i = s.find_first_not_of(kSpace, i);
    if (i == std::string_view::npos) break;
    size_t j = s.find_first_of(kSpace, i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// The offset of the first byte that is not part of valid UTF-8 (no
// overlongs, surrogates or code points above U+10FFFF), or npos.
size_t InvalidUtf8At(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 60;
  return s.size() <= kMax ? fmt::format("'{}'", s) : fmt::format("'{}...'", s.substr(0, kMax));
}

std::string_view LocalName(pugi::xml_node n) {
  std::string_view name = n.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The trimmed text of an element that must hold text only.
Result<std::string> TextOf(pugi::xml_node n, const std::string& field) {
  std::string out;
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    } else if (c.type() == pugi::node_element) {
      return Status::InvalidArgument(field,
                                     fmt::format("must hold text, not the element <{}>", c.name()));
    }
  }
  return std::string(Trim(out));
}

// Text of the first node of `name` in `c`, "" when absent; `required`
// also refuses an empty text.
Result<std::string> Field(const Children& c, std::string_view name, const std::string& parent,
                          bool required) {
  const auto it = c.find(name);
  if (it == c.end()) return std::string();
  const std::string field = parent + "." + std::string(name);
  auto text = TextOf(it->second.front(), field);
  if (text.ok() && required && text->empty()) {
    return Status::InvalidArgument(field, "the required element is empty");
  }
  return text;
}

// CAP identifiers and senders: no spaces, commas, '<' or '&'.
Status CheckId(const std::string& field, const std::string& v) {
  if (v.empty()) return Status::InvalidArgument(field, "the required element is empty");
  if (v.find_first_of(" \t\r\n,<&") != std::string::npos) {
    return Status::InvalidArgument(
        field, fmt::format("{} contains a space, comma, '<' or '&', which CAP forbids", Quoted(v)));
  }
  return Status::Ok();
}

Result<int64_t> Instant(const std::string& field, const std::string& v) {
  auto t = ParseInstant(v);
  if (!t) {
    return Status::InvalidArgument(
        field, fmt::format("{} is not a CAP date-time (YYYY-MM-DDThh:mm:ss+hh:mm)", Quoted(v)));
  }
  return *t;
}

Status BadEnum(const std::string& field, const std::string& v, std::string_view allowed) {
  return Status::InvalidArgument(field, fmt::format("{} is not one of {}", Quoted(v), allowed));
}

Result<std::optional<int64_t>> OptionalInstant(const std::string& field, const std::string& v) {
  if (v.empty()) return std::optional<int64_t>();
  auto t = Instant(field, v);
  if (!t.ok()) return t.status();
  return std::optional<int64_t>(*t);
}

Result<Children> Parser::Collect(pugi::xml_node parent, const std::string& field,
                                 std::initializer_list<ChildSpec> specs) const {
  Children out;
  for (pugi::xml_node c : parent.children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    if (!name.starts_with(prefix_)) continue;  // another namespace
    name.remove_prefix(prefix_.size());
    if (name.find(':') != std::string_view::npos) continue;  // prefixed, CAP is default
    // An element rebinding the CAP prefix is in another namespace (an XML
    // signature declaring its own default one, say), and so is its subtree.
    if (pugi::xml_attribute a = c.attribute(ns_attr_.c_str()); a && a.value() != ns_) continue;
    const ChildSpec* spec = nullptr;
    for (const ChildSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(
          field + "." + std::string(name),
          fmt::format("<{}> is not a CAP element of <{}>", name, LocalName(parent)));
    }
    auto& list = out[spec->name];
    if (!list.empty() && !spec->repeated) {
      return Status::InvalidArgument(field + "." + std::string(name),
                                     "appears more than once; CAP allows one");
    }
    list.push_back(c);
  }
  for (const ChildSpec& s : specs) {
    if (s.required && !out.count(s.name)) {
      return Status::InvalidArgument(field + "." + std::string(s.name),
                                     "the required element is missing");
    }
  }
  return out;
}

Result<CapValue> Parser::Value(pugi::xml_node node, const std::string& field) const {
  auto c = Collect(node, field, {{"valueName", true}, {"value", true}});
  if (!c.ok()) return c.status();
  auto name = Field(*c, "valueName", field, true);
  if (!name.ok()) return name.status();
  auto value = Field(*c, "value", field);
  if (!value.ok()) return value.status();
  return CapValue{std::move(*name), std::move(*value)};
}

}  // namespace muster::cap_detail

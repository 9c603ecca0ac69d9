// Internal to alerts/: the XML reading shared by the CAP parser's files
// (cap_reader.cc: text and element helpers; cap_info.cc: <info> and <area>;
// cap_parser.cc: <alert> and the document). Not for use outside alerts/.
#pragma once

#include <fmt/format.h>

#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/cap_alert.h"
#include "alerts/cap_parser.h"
#include "core/status.h"

namespace muster::cap_detail {

std::string_view Trim(std::string_view s);
// Whitespace-separated tokens.
std::vector<std::string_view> SplitSpace(std::string_view s);
// A finite decimal number (a leading '+' allowed), the whole text.
std::optional<double> ParseNumber(std::string_view s);
// The offset of the first byte that is not part of valid UTF-8 (no
// overlongs, surrogates or code points above U+10FFFF), or npos.
size_t InvalidUtf8At(std::string_view s);
// 's' in quotes, cut at 60 bytes.
std::string Quoted(std::string_view s);
// An element's name without its prefix.
std::string_view LocalName(pugi::xml_node n);

using Children = std::map<std::string_view, std::vector<pugi::xml_node>>;

// The trimmed text of an element that must hold text only.
Result<std::string> TextOf(pugi::xml_node n, const std::string& field);
// Text of the first node of `name` in `c`, "" when absent; `required` also
// refuses an empty text.
Result<std::string> Field(const Children& c, std::string_view name, const std::string& parent,
                          bool required = false);
// CAP identifiers and senders: not empty; no spaces, commas, '<' or '&'.
Status CheckId(const std::string& field, const std::string& v);
Result<int64_t> Instant(const std::string& field, const std::string& v);
Result<std::optional<int64_t>> OptionalInstant(const std::string& field, const std::string& v);
Status BadEnum(const std::string& field, const std::string& v, std::string_view allowed);

// The texts of every node of a repeated element, each checked by `check`.
template <typename Check>
Result<std::vector<std::string>> Texts(const Children& c, std::string_view name,
                                       const std::string& parent, Check check) {
  std::vector<std::string> out;
  auto it = c.find(name);
  if (it == c.end()) return out;
  for (size_t i = 0; i < it->second.size(); ++i) {
    const std::string f = fmt::format("{}.{}[{}]", parent, name, i);
    auto text = TextOf(it->second[i], f);
    if (!text.ok()) return text.status();
    MUSTER_RETURN_IF_ERROR(check(f, *text));
    out.push_back(std::move(*text));
  }
  return out;
}

// An element a parent may hold: required (at least once), repeated (more).
struct ChildSpec {
  std::string_view name;
  bool required = false;
  bool repeated = false;
};

// Reads one <alert> element into a CapAlert. One per message; not
// thread-safe (it counts the polygon points it has read).
class Parser {
 public:
  Parser(const CapLimits& limits, std::string prefix, std::string ns_attr, std::string ns)
      : limits_(limits),
        prefix_(std::move(prefix)),
        ns_attr_(std::move(ns_attr)),
        ns_(std::move(ns)) {}

  Result<CapAlert> Alert(pugi::xml_node root, int version);

 private:
  Result<Children> Collect(pugi::xml_node parent, const std::string& field,
                           std::initializer_list<ChildSpec> specs) const;
  Result<CapInfo> Info(pugi::xml_node node, const std::string& field, int version);
  Result<CapArea> Area(pugi::xml_node node, const std::string& field);
  Result<GeoPolygon> Polygon(const std::string& text, const std::string& field);
  Result<CapValue> Value(pugi::xml_node node, const std::string& field) const;
  Result<CapResource> Resource(pugi::xml_node node, const std::string& field, int version) const;

  const CapLimits& limits_;
  std::string prefix_;   // "" or "cap:"
  std::string ns_attr_;  // the attribute binding it: "xmlns" or "xmlns:cap"
  std::string ns_;       // the CAP namespace it is bound to
  int points_ = 0;
};

}  // namespace muster::cap_detail

#include "alerts/cap_parser.h"

#include "alerts/cap_reader.h"

namespace muster {

namespace cap_detail {

Result<CapAlert> Parser::Alert(pugi::xml_node root, int version) {
  const std::string field = "alert";
  auto c = Collect(root, field,
                   {{"identifier", true},
                    {"sender", true},
                    {"sent", true},
                    {"status", true},
                    {"msgType", true},
                    {"source"},
                    {"scope", true},
                    {"restriction"},
                    {"addresses"},
                    {"code", false, true},
                    {"note"},
                    {"references"},
                    {"incidents"},
                    {"info", false, true}});
  if (!c.ok()) return c.status();
  const auto& ch = *c;
  CapAlert a;
  a.version = version;
  auto text = [&](std::string_view name, std::string& out, bool required = false) -> Status {
    auto t = Field(ch, name, field, required);
    if (!t.ok()) return t.status();
    out = std::move(*t);
    return Status::Ok();
  };
  MUSTER_RETURN_IF_ERROR(text("identifier", a.identifier));
  MUSTER_RETURN_IF_ERROR(CheckId("alert.identifier", a.identifier));
  MUSTER_RETURN_IF_ERROR(text("sender", a.sender));
  MUSTER_RETURN_IF_ERROR(CheckId("alert.sender", a.sender));
  MUSTER_RETURN_IF_ERROR(text("sent", a.sent, true));
  auto sent = Instant("alert.sent", a.sent);
  if (!sent.ok()) return sent.status();
  a.sent_unix = *sent;

  std::string v;
  MUSTER_RETURN_IF_ERROR(text("status", v, true));
  auto status = ParseCapStatus(v);
  if (!status) return BadEnum("alert.status", v, "Actual, Exercise, System, Test, Draft");
  a.status = *status;
  MUSTER_RETURN_IF_ERROR(text("msgType", v, true));
  auto msg_type = ParseCapMsgType(v);
  if (!msg_type) return BadEnum("alert.msgType", v, "Alert, Update, Cancel, Ack, Error");
  a.msg_type = *msg_type;
  MUSTER_RETURN_IF_ERROR(text("scope", v, true));
  auto scope = ParseCapScope(v);
  if (!scope) return BadEnum("alert.scope", v, "Public, Restricted, Private");
  a.scope = *scope;

  MUSTER_RETURN_IF_ERROR(text("source", a.source));
  MUSTER_RETURN_IF_ERROR(text("restriction", a.restriction));
  MUSTER_RETURN_IF_ERROR(text("addresses", a.addresses));
  MUSTER_RETURN_IF_ERROR(text("note", a.note));
  MUSTER_RETURN_IF_ERROR(text("incidents", a.incidents));
  if (a.scope == CapScope::kRestricted && a.restriction.empty()) {
    return Status::InvalidArgument("alert.restriction", "is required when <scope> is Restricted");
  }
  if (a.scope == CapScope::kPrivate && a.addresses.empty()) {
    return Status::InvalidArgument("alert.addresses", "is required when <scope> is Private");
  }
  auto codes =
      Texts(ch, "code", field, [](const std::string&, const std::string&) { return Status::Ok(); });
  if (!codes.ok()) return codes.status();
  a.codes = std::move(*codes);

  MUSTER_RETURN_IF_ERROR(text("references", v));
  const auto refs = SplitSpace(v);
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string f = fmt::format("alert.references[{}]", i);
    const auto c1 = refs[i].find(',');
    const auto c2 = c1 == std::string_view::npos ? c1 : refs[i].find(',', c1 + 1);
    if (c2 == std::string_view::npos || refs[i].find(',', c2 + 1) != std::string_view::npos) {
      return Status::InvalidArgument(
          f, fmt::format("{} is not \"sender,identifier,sent\"", Quoted(refs[i])));
    }
    CapReference r{std::string(refs[i].substr(0, c1)),
                   std::string(refs[i].substr(c1 + 1, c2 - c1 - 1)),
                   std::string(refs[i].substr(c2 + 1))};
    MUSTER_RETURN_IF_ERROR(CheckId(f + ".sender", r.sender));
    MUSTER_RETURN_IF_ERROR(CheckId(f + ".identifier", r.identifier));
    auto t = Instant(f + ".sent", r.sent);
    if (!t.ok()) return t.status();
    r.sent_unix = *t;
    a.references.push_back(std::move(r));
  }

  if (auto it = ch.find("info"); it != ch.end()) {
    if (static_cast<int>(it->second.size()) > limits_.max_infos) {
      return Status::InvalidArgument(
          "alert.info", fmt::format("{} <info> blocks; at most {} are accepted", it->second.size(),
                                    limits_.max_infos));
    }
    for (size_t i = 0; i < it->second.size(); ++i) {
      auto info = Info(it->second[i], fmt::format("alert.info[{}]", i), version);
      if (!info.ok()) return info.status();
      a.infos.push_back(std::move(*info));
    }
  }
  return a;
}

// Counts elements iteratively (nesting depth costs no stack).
Status CheckTree(pugi::xml_node root, int max_elements) {
  int count = 0;
  pugi::xml_node n = root;
  while (n) {
    if (n.type() == pugi::node_element && ++count > max_elements) {
      return Status::InvalidArgument(
          "alert", fmt::format("the message has more than {} elements", max_elements));
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
  return Status::Ok();
}

// The offset of a raw control character (other than TAB, LF, CR) or of a
// character reference (&#N; or &#xN;) to a code point XML 1.0 does not
// allow (its Char production), or npos. pugixml decodes references without
// checking them: &#0; would cut a text short, &#xD800; would make bytes that
// are not UTF-8, &#x1B; would put terminal escapes into an SMS.
size_t IllegalXmlCharAt(std::string_view xml) {
  auto legal = [](uint64_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
  };
  for (size_t i = 0; i < xml.size(); ++i) {
    const auto b = static_cast<unsigned char>(xml[i]);
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return i;
    if (b == 0x7F) return i;
    if (b != '&' || i + 2 >= xml.size() || xml[i + 1] != '#') continue;
    const bool hex = xml[i + 2] == 'x';
    uint64_t value = 0;
    size_t j = i + (hex ? 3 : 2), digits = 0;
    for (; j < xml.size() && digits < 9; ++j, ++digits) {
      const char c = xml[j];
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<uint64_t>(d);
    }
    // A malformed reference is left to the parser, which refuses it.
    if (digits > 0 && j < xml.size() && xml[j] == ';' && !legal(value)) return i;
    if (digits == 9) return i;  // longer than any code point
  }
  return std::string_view::npos;
}

}  // namespace cap_detail

Result<CapAlert> ParseCapAlert(std::string_view xml, const CapLimits& limits) {
  using namespace cap_detail;
  if (xml.size() > limits.max_bytes) {
    return Status::InvalidArgument(
        "alert", fmt::format("the message is {} bytes; at most {} are accepted", xml.size(),
                             limits.max_bytes));
  }
  if (const size_t bad = InvalidUtf8At(xml); bad != std::string_view::npos) {
    return Status::InvalidArgument("alert", fmt::format("the message is not UTF-8 (byte {})", bad));
  }
  if (const size_t bad = IllegalXmlCharAt(xml); bad != std::string_view::npos) {
    return Status::InvalidArgument(
        "alert", fmt::format("byte {} is or refers to a character XML does not allow (a control "
                             "character, NUL or a UTF-16 surrogate)",
                             bad));
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (parsed.status == pugi::status_bad_doctype) {
    return Status::InvalidArgument("alert", "a DOCTYPE is refused (no DTDs or entities)");
  }
  if (!parsed) {
    return Status::InvalidArgument("alert", fmt::format("not well-formed XML at byte {}: {}",
                                                        parsed.offset, parsed.description()));
  }
  pugi::xml_node root;
  for (pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      return Status::InvalidArgument("alert", "a DOCTYPE is refused (no DTDs or entities)");
    }
    if (n.type() == pugi::node_element) {
      if (root) return Status::InvalidArgument("alert", "the message has more than one root");
      root = n;
    }
  }
  if (!root) return Status::InvalidArgument("alert", "the message has no root element");
  std::string_view name = root.name();
  const auto colon = name.find(':');
  const std::string prefix =
      colon == std::string_view::npos ? std::string() : std::string(name.substr(0, colon + 1));
  if (LocalName(root) != "alert") {
    return Status::InvalidArgument(
        "alert", fmt::format("the root element is <{}>, not a CAP <alert>", root.name()));
  }
  const std::string ns_attr =
      prefix.empty() ? "xmlns" : "xmlns:" + prefix.substr(0, prefix.size() - 1);
  const std::string_view ns = root.attribute(ns_attr.c_str()).value();
  int version = 0;
  if (ns == kCap12Namespace) {
    version = 12;
  } else if (ns == kCap11Namespace) {
    version = 11;
  } else if (ns.empty()) {
    return Status::InvalidArgument(
        "alert", fmt::format("<{}> is in no namespace; CAP needs {}=\"{}\"", root.name(), ns_attr,
                             kCap12Namespace));
  } else {
    return Status::InvalidArgument(
        "alert", fmt::format("namespace {} is neither CAP 1.2 ({}) nor CAP 1.1", Quoted(ns),
                             kCap12Namespace));
  }
  MUSTER_RETURN_IF_ERROR(CheckTree(root, limits.max_elements));
  return Parser(limits, prefix, ns_attr, std::string(ns)).Alert(root, version);
}

}  // namespace muster

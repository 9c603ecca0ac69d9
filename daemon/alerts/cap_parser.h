// ParseCapAlert: a CAP 1.2 (or 1.1) XML message -> CapAlert, or a Status
// naming the element at fault and why. Pure; thread-safe.
//
// What is refused (docs/alerts.md lists it all):
// - more than max_bytes, bytes that are not UTF-8, XML that is not
//   well-formed, more than max_elements elements;
// - any DOCTYPE (so no DTD, no entity definitions: billion-laughs and XXE
//   cannot happen; pugixml never fetches anything and expands only the five
//   predefined entities and character references);
// - a root that is not <alert> in the CAP 1.2 namespace
//   (urn:oasis:names:tc:emergency:cap:1.2) or the 1.1 one, or a descendant
//   redeclaring the CAP prefix to another namespace;
// - a missing required element, a repeated single one, an unknown element in
//   the CAP namespace, a value outside CAP's enumerations, a malformed date,
//   identifier, reference, polygon or circle.
// Elements of other namespaces (an XML signature, say) are ignored. The
// order of elements is not checked. Texts are trimmed of surrounding
// whitespace.
//
// Field names in errors follow the document: "alert.info[1].area[0].polygon[0]
// .points[2]" (indices from 0), so that the sender can find the fault.
#pragma once

#include <cstddef>
#include <string_view>

#include "alerts/cap_alert.h"
#include "core/status.h"

namespace muster {

inline constexpr std::string_view kCap12Namespace = "urn:oasis:names:tc:emergency:cap:1.2";
inline constexpr std::string_view kCap11Namespace = "urn:oasis:names:tc:emergency:cap:1.1";

struct CapLimits {
  size_t max_bytes = 1 << 20;  // a whole message, 1 MiB
  int max_elements = 50'000;   // elements in the document
  int max_infos = 32;          // <info> blocks
  int max_areas = 256;         // <area>s per <info>
  int max_points = 100'000;    // polygon points over the whole message
};

Result<CapAlert> ParseCapAlert(std::string_view xml, const CapLimits& limits = {});

}  // namespace muster

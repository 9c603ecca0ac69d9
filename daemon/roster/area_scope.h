// AreaScope: which home areas (local resilience forums) a caller may see and
// act on. A national reserve is run by many forums; a token may be scoped to
// some of them (config [[auth.tokens]] areas), and then it sees, edits and
// activates only reservists of those areas, unless it may grant mutual aid
// (mutual_aid = true), which lets an activation ask neighbouring areas too.
//
// The daemon enforces it (Roster, ActivationService); the client is never
// trusted with it. Immutable value type; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace muster {

class AreaScope {
 public:
  // Every area (an unscoped token, or token checks off).
  static AreaScope All() { return AreaScope(); }
  // Only these areas (sorted and made unique here); an empty list means
  // every area, as in the config.
  static AreaScope Only(std::vector<std::string> areas, bool mutual_aid);
  // No area at all (a caller that could not be identified).
  static AreaScope Nothing();

  // True for every area.
  bool all() const { return all_; }
  // The token's own areas, sorted (empty when all()).
  const std::vector<std::string>& areas() const { return areas_; }
  // May ask other areas for mutual aid.
  bool mutual_aid() const { return all_ || mutual_aid_; }

  // A reservist of home area `area` is visible and editable.
  bool Covers(std::string_view area) const;

  // The areas an activation asking for `requested` areas (empty = "mine")
  // will draw from: empty = every area (only for an unscoped caller),
  // otherwise sorted and unique. PermissionDenied (field "areas") when a
  // requested area is outside this scope and the caller may not grant
  // mutual aid; InvalidArgument for a malformed area code.
  Result<std::vector<std::string>> ActivationAreas(std::vector<std::string> requested) const;

  // May see and manage an activation drawing from `activation_areas` (empty =
  // every area): an unscoped caller always; a scoped one when it covers every
  // area, or, with mutual aid, at least one of them. A national activation
  // (empty) is only for unscoped callers.
  bool MayManage(const std::vector<std::string>& activation_areas) const;

  // "every area", or "gloucestershire, wiltshire": for messages.
  std::string Describe() const;

  // "home_area 'x' is outside this token's areas (...)", field home_area.
  Status OutsideError(std::string_view area) const;

 private:
  AreaScope() = default;

  bool all_ = true;
  bool mutual_aid_ = false;
  std::vector<std::string> areas_;
};

}  // namespace muster

#include "roster/area_scope.h"

#include <fmt/format.h>

#include <algorithm>

#include "roster/validate.h"

namespace muster {
namespace {

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

AreaScope AreaScope::Only(std::vector<std::string> areas, bool mutual_aid) {
  AreaScope s;
  SortUnique(areas);
  s.all_ = areas.empty();
  s.areas_ = std::move(areas);
  s.mutual_aid_ = mutual_aid;
  return s;
}

AreaScope AreaScope::Nothing() {
  AreaScope s;
  s.all_ = false;
  return s;
}

bool AreaScope::Covers(std::string_view area) const {
  return all_ || std::binary_search(areas_.begin(), areas_.end(), area);
}

Result<std::vector<std::string>> AreaScope::ActivationAreas(
    std::vector<std::string> requested) const {
  for (size_t i = 0; i < requested.size(); ++i) {
    if (!IsValidCode(requested[i])) {
      return Status::InvalidArgument(
          fmt::format("areas[{}]", i),
          fmt::format("'{}' must be 2..40 lower-case letters, digits or '_'", requested[i]));
    }
  }
  if (!all_ && areas_.empty()) return Status::PermissionDenied("this caller has no areas");
  if (requested.empty()) return areas_;  // every area, or the token's own
  SortUnique(requested);
  if (!mutual_aid()) {
    for (const std::string& a : requested) {
      if (!Covers(a)) {
        return Status::PermissionDenied(
                   fmt::format("'{}' is outside this token's areas ({}); asking "
                               "another area for mutual aid needs a token with "
                               "mutual_aid = true",
                               a, Describe()))
            .WithFieldPrefix("areas");
      }
    }
  }
  return requested;
}

bool AreaScope::MayManage(const std::vector<std::string>& activation_areas) const {
  if (all_) return true;
  if (activation_areas.empty()) return false;
  size_t covered = 0;
  for (const std::string& a : activation_areas) covered += Covers(a) ? 1 : 0;
  return covered == activation_areas.size() || (mutual_aid_ && covered > 0);
}

std::string AreaScope::Describe() const {
  if (all_) return "every area";
  return areas_.empty() ? "no area" : fmt::format("{}", fmt::join(areas_, ", "));
}

Status AreaScope::OutsideError(std::string_view area) const {
  return Status::PermissionDenied(
             fmt::format("'{}' is outside this token's areas ({})", area, Describe()))
      .WithFieldPrefix("home_area");
}

}  // namespace muster

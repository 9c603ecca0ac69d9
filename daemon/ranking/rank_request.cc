#include "ranking/rank_request.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace muster {

namespace {

Status ValidatePlace(const RankRequest& r) {
  if (!std::isfinite(r.lat) || r.lat < -90 || r.lat > 90) {
    return Status::InvalidArgument("lat", fmt::format("{} is out of range [-90, 90]", r.lat));
  }
  if (!std::isfinite(r.lon) || r.lon < -180 || r.lon > 180) {
    return Status::InvalidArgument("lon", fmt::format("{} is out of range [-180, 180]", r.lon));
  }
  if (!std::isfinite(r.radius_km) || r.radius_km <= 0 || r.radius_km > kMaxRadiusKm) {
    return Status::InvalidArgument(
        "radius_km", fmt::format("{} is out of range (0, {}]", r.radius_km, kMaxRadiusKm));
  }
  if (r.start_unix < -kCivilLimitSeconds || r.start_unix > kCivilLimitSeconds) {
    return Status::InvalidArgument(
        "start", fmt::format("{} s is beyond the calendar's range (+-{} s)", r.start_unix,
                             kCivilLimitSeconds));
  }
  if (r.duration_minutes <= 0 || r.duration_minutes > kMaxDurationMinutes) {
    return Status::InvalidArgument(
        "duration_minutes",
        fmt::format("{} is out of range [1, {}]", r.duration_minutes, kMaxDurationMinutes));
  }
  return Status::Ok();
}

Result<ResolvedRequirement> Resolve(const Requirement& req, const SkillCatalogue& catalogue) {
  auto it = catalogue.find(req.skill);
  if (it == catalogue.end()) {
    return Status::InvalidArgument("skill", fmt::format("unknown skill '{}'", req.skill));
  }
  const Skill& skill = it->second;
  ResolvedRequirement out{req.skill, req.min_level == 0 ? skill.min_level : req.min_level,
                          req.count, skill.min_level, skill.max_level};
  if (out.min_level < skill.min_level || out.min_level > skill.max_level) {
    return Status::InvalidArgument(
        "min_level", fmt::format("{} is out of {}'s range [{}, {}]", req.min_level, req.skill,
                                 skill.min_level, skill.max_level));
  }
  if (req.count <= 0 || req.count > kMaxRequirementCount) {
    return Status::InvalidArgument(
        "count", fmt::format("{} is out of range [1, {}]", req.count, kMaxRequirementCount));
  }
  return out;
}

bool ById(const BusyReservist& a, const BusyReservist& b) {
  return a.reservist_id < b.reservist_id;
}

}  // namespace

const BusyReservist* PreparedRequest::FindBusy(int64_t reservist_id) const {
  auto it = std::lower_bound(busy.begin(), busy.end(), BusyReservist{reservist_id, 0}, ById);
  return it != busy.end() && it->reservist_id == reservist_id ? &*it : nullptr;
}

std::vector<BusyReservist> OverlappingBusy(const std::vector<ExistingSelection>& selections,
                                           int64_t start_unix, int64_t end_unix) {
  std::vector<BusyReservist> out;
  for (const ExistingSelection& s : selections) {
    if (s.start_unix < end_unix && start_unix < s.end_unix) {
      out.push_back({s.reservist_id, s.activation_id});
    }
  }
  return out;
}

Result<PreparedRequest> PrepareRankRequest(const RankRequest& request,
                                           const SkillCatalogue& catalogue) {
  MUSTER_RETURN_IF_ERROR(ValidatePlace(request));
  if (request.requirements.empty() || request.requirements.size() > kMaxRequirements) {
    return Status::InvalidArgument("requirements",
                                   fmt::format("{} requirements; 1 to {} are allowed",
                                               request.requirements.size(), kMaxRequirements));
  }
  PreparedRequest out;
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < request.requirements.size(); ++i) {
    const std::string prefix = fmt::format("requirements[{}]", i);
    Result<ResolvedRequirement> resolved = Resolve(request.requirements[i], catalogue);
    if (!resolved.ok()) return resolved.status().WithFieldPrefix(prefix);
    if (!seen.insert(resolved->skill).second) {
      return Status::InvalidArgument(prefix + ".skill",
                                     fmt::format("skill '{}' is required twice", resolved->skill));
    }
    out.requirements.push_back(std::move(resolved).value());
  }
  out.lat = request.lat;
  out.lon = request.lon;
  out.centre = GeoPoint::FromLatLon(request.lat, request.lon);
  out.radius_km = request.radius_km;
  out.window = ActivationWindow(request.start_unix,
                                request.start_unix + int64_t{request.duration_minutes} * 60);
  out.busy = request.busy;
  std::stable_sort(out.busy.begin(), out.busy.end(), ById);  // a repeated id: the first wins
  out.busy.erase(
      std::unique(out.busy.begin(), out.busy.end(),
                  [](const auto& a, const auto& b) { return a.reservist_id == b.reservist_id; }),
      out.busy.end());
  out.history = request.history ? request.history : std::make_shared<const HistoryTable>();
  out.areas = request.areas;
  std::sort(out.areas.begin(), out.areas.end());
  out.areas.erase(std::unique(out.areas.begin(), out.areas.end()), out.areas.end());
  return out;
}

}  // namespace muster

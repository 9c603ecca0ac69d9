#include "reservist_flags.h"

#include <fmt/format.h>

#include "roster_fields.h"

namespace muster::client {
namespace {

Status FlagError(std::string_view flag, std::string_view value, const Status& cause) {
  return Status::InvalidArgument(std::string(flag),
                                 fmt::format("\"{}\": {}", value, cause.ToString()));
}

// Adds `holding`, replacing a holding of the same skill code if any.
void MergeSkill(const v1::SkillHolding& holding, v1::Reservist* reservist) {
  for (v1::SkillHolding& existing : *reservist->mutable_skills()) {
    if (existing.skill() == holding.skill()) {
      existing = holding;
      return;
    }
  }
  *reservist->add_skills() = holding;
}

Status RemoveSkill(const std::string& code, v1::Reservist* reservist) {
  auto* skills = reservist->mutable_skills();
  for (int i = 0; i < skills->size(); ++i) {
    if (skills->Get(i).skill() == code) {
      skills->DeleteSubrange(i, 1);
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("--remove-skill",
                                 fmt::format("\"{}\": the reservist holds no such skill", code));
}

Status ApplyScalars(const ReservistFlags& f, v1::Reservist* r) {
  if (f.name) r->set_name(*f.name);
  if (f.area) r->set_home_area(*f.area);
  if (f.postcode) r->set_postcode(*f.postcode);
  if (f.external_id) r->set_external_id(*f.external_id);
  if (f.at) {
    double lat = 0, lon = 0;
    Status s = ParseLatLon(*f.at, &lat, &lon);
    if (!s.ok()) return FlagError("--at", *f.at, s);
    r->set_lat(lat);
    r->set_lon(lon);
  }
  if (f.max_travel) {
    double km = 0;
    Status s = ParseNumber(*f.max_travel, &km);
    if (!s.ok()) return FlagError("--max-travel", *f.max_travel, s);
    r->set_max_travel_km(km);
  }
  return Status::Ok();
}

Status ApplySkills(const ReservistFlags& f, v1::Reservist* r) {
  if (f.clear_skills) r->clear_skills();
  for (const std::string& code : f.remove_skills) MUSTER_RETURN_IF_ERROR(RemoveSkill(code, r));
  for (const std::string& text : f.skills) {
    v1::SkillHolding holding;
    Status s = ParseSkillHolding(text, &holding);
    if (!s.ok()) return FlagError("--skill", text, s);
    MergeSkill(holding, r);
  }
  return Status::Ok();
}

Status ApplyLists(const ReservistFlags& f, v1::Reservist* r) {
  if (!f.channels.empty()) r->clear_channels();
  for (const std::string& text : f.channels) {
    Status s = ParseChannel(text, r->add_channels());
    if (!s.ok()) return FlagError("--channel", text, s);
  }
  if (f.clear_available || !f.available.empty()) r->clear_availability();
  for (const std::string& text : f.available) {
    Status s = ParseWeeklyWindows(text, r->mutable_availability());
    if (!s.ok()) return FlagError("--available", text, s);
  }
  if (f.clear_unavailable) r->clear_unavailable();
  for (const std::string& text : f.unavailable) {
    Status s = ParseUnavailability(text, r->add_unavailable());
    if (!s.ok()) return FlagError("--unavailable", text, s);
  }
  return Status::Ok();
}

}  // namespace

bool HasChanges(const ReservistFlags& f) {
  return f.name || f.area || f.at || f.postcode || f.external_id || f.max_travel ||
         !f.channels.empty() || !f.skills.empty() || !f.remove_skills.empty() ||
         !f.available.empty() || !f.unavailable.empty() || f.clear_skills || f.clear_available ||
         f.clear_unavailable;
}

Status ApplyReservistFlags(const ReservistFlags& flags, v1::Reservist* reservist) {
  MUSTER_RETURN_IF_ERROR(ApplyScalars(flags, reservist));
  MUSTER_RETURN_IF_ERROR(ApplySkills(flags, reservist));
  return ApplyLists(flags, reservist);
}

}  // namespace muster::client

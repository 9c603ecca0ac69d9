#include "api/convert.h"

#include <fmt/format.h>

#include "core/civil_time.h"

namespace muster::api {
namespace {

void SetTimestamp(int64_t ms, google::protobuf::Timestamp* ts) {
  if (ms == 0) return;
  ts->set_seconds(ms / 1000);
  ts->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
}

Result<Date> ParseDateField(const std::string& field, const std::string& text) {
  auto d = ParseDate(text);
  if (!d) {
    return Status::InvalidArgument(field, fmt::format("'{}' is not a date (YYYY-MM-DD)", text));
  }
  return *d;
}

Result<SkillHolding> HoldingFromProto(const v1::SkillHolding& in) {
  SkillHolding h{in.skill(), in.level(), in.cert_issuer(), std::nullopt};
  if (!in.cert_expires().empty()) {
    auto d = ParseDateField("cert_expires", in.cert_expires());
    if (!d.ok()) return d.status();
    h.cert_expires = *d;
  }
  return h;
}

Result<WeeklyWindow> WindowFromProto(const v1::WeeklyWindow& in) {
  WeeklyWindow w;
  w.day = static_cast<int>(in.day());
  if (w.day < 1 || w.day > 7) {
    return Status::InvalidArgument("day",
                                   fmt::format("{} is not a weekday (MONDAY..SUNDAY)", w.day));
  }
  auto start = ParseTimeOfDay(in.start());
  if (!start) {
    return Status::InvalidArgument("start", fmt::format("'{}' is not a time HH:MM", in.start()));
  }
  auto end = ParseTimeOfDay(in.end(), /*allow_24=*/true);
  if (!end) {
    return Status::InvalidArgument("end", fmt::format("'{}' is not a time HH:MM", in.end()));
  }
  w.start_min = *start;
  w.end_min = *end;
  return w;
}

Result<Unavailability> UnavailabilityFromProto(const v1::Unavailability& in) {
  auto from = ParseDateField("from", in.from());
  if (!from.ok()) return from.status();
  auto until = ParseDateField("until", in.until());
  if (!until.ok()) return until.status();
  return Unavailability{*from, *until, in.reason()};
}

// The proto's kind numbers are the model's (and the stored ones).
static_assert(static_cast<int>(ChannelKind::kSms) == v1::ContactChannel::SMS);
static_assert(static_cast<int>(ChannelKind::kEmail) == v1::ContactChannel::EMAIL);
static_assert(static_cast<int>(ChannelKind::kWebhook) == v1::ContactChannel::WEBHOOK);

Result<ContactChannel> ChannelFromProto(const v1::ContactChannel& in) {
  if (auto kind = ChannelKindFromNumber(in.kind())) return ContactChannel{*kind, in.address()};
  return Status::InvalidArgument("kind", "must be SMS, EMAIL or WEBHOOK");
}

// Converts each element of a repeated field, prefixing errors with
// "<name>[i]".
template <typename Out, typename In, typename Fn>
Status ConvertList(const char* name, const In& in, std::vector<Out>& out, Fn fn) {
  out.reserve(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    auto r = fn(in.Get(i));
    if (!r.ok()) return r.status().WithFieldPrefix(fmt::format("{}[{}]", name, i));
    out.push_back(std::move(r).value());
  }
  return {};
}

}  // namespace

Result<Reservist> FromProto(const v1::Reservist& in) {
  Reservist r;
  r.id = in.id();
  r.external_id = in.external_id();
  r.name = in.name();
  r.lat = in.lat();
  r.lon = in.lon();
  r.postcode = in.postcode();
  r.home_area = in.home_area();
  r.max_travel_km = in.max_travel_km();
  switch (in.status()) {
    case v1::RESERVIST_STATUS_UNSPECIFIED:
    case v1::ACTIVE:
      r.status = ReservistStatus::kActive;
      break;
    case v1::SUSPENDED:
      r.status = ReservistStatus::kSuspended;
      break;
    default:
      return Status::InvalidArgument("status", "must be ACTIVE or SUSPENDED");
  }
  MUSTER_RETURN_IF_ERROR(ConvertList("channels", in.channels(), r.channels, ChannelFromProto));
  MUSTER_RETURN_IF_ERROR(ConvertList("skills", in.skills(), r.skills, HoldingFromProto));
  MUSTER_RETURN_IF_ERROR(
      ConvertList("availability", in.availability(), r.availability, WindowFromProto));
  MUSTER_RETURN_IF_ERROR(
      ConvertList("unavailable", in.unavailable(), r.unavailable, UnavailabilityFromProto));
  return r;
}

void ToProto(const Reservist& in, v1::Reservist* out) {
  out->set_id(in.id);
  out->set_external_id(in.external_id);
  out->set_name(in.name);
  out->set_lat(in.lat);
  out->set_lon(in.lon);
  out->set_postcode(in.postcode);
  out->set_home_area(in.home_area);
  out->set_max_travel_km(in.max_travel_km);
  out->set_status(in.status == ReservistStatus::kActive ? v1::ACTIVE : v1::SUSPENDED);
  for (const auto& c : in.channels) {
    auto* ch = out->add_channels();
    ch->set_kind(static_cast<v1::ContactChannel::Kind>(static_cast<int>(c.kind)));
    ch->set_address(c.address);
  }
  for (const auto& h : in.skills) {
    auto* s = out->add_skills();
    s->set_skill(h.skill);
    s->set_level(h.level);
    s->set_cert_issuer(h.cert_issuer);
    if (h.cert_expires) s->set_cert_expires(FormatDate(*h.cert_expires));
  }
  for (const auto& w : in.availability) {
    auto* pw = out->add_availability();
    pw->set_day(static_cast<v1::Weekday>(w.day));
    pw->set_start(FormatTimeOfDay(w.start_min));
    pw->set_end(FormatTimeOfDay(w.end_min));
  }
  for (const auto& u : in.unavailable) {
    auto* pu = out->add_unavailable();
    pu->set_from(FormatDate(u.from));
    pu->set_until(FormatDate(u.until));
    pu->set_reason(u.reason);
  }
  SetTimestamp(in.created_at_ms, out->mutable_created_at());
  SetTimestamp(in.updated_at_ms, out->mutable_updated_at());
}

Skill FromProto(const v1::Skill& in) {
  return Skill{in.code(), in.name(), in.min_level(), in.max_level()};
}

void ToProto(const Skill& in, v1::Skill* out) {
  out->set_code(in.code);
  out->set_name(in.name);
  out->set_min_level(in.min_level);
  out->set_max_level(in.max_level);
}

Result<ReservistRef> FromProto(const v1::ReservistRef& in) {
  switch (in.ref_case()) {
    case v1::ReservistRef::kId:
      if (in.id() <= 0) {
        return Status::InvalidArgument("ref.id", fmt::format("{} is not a reservist id", in.id()));
      }
      return ReservistRef{in.id(), {}};
    case v1::ReservistRef::kExternalId:
      if (in.external_id().empty()) return Status::InvalidArgument("ref.external_id", "is empty");
      return ReservistRef{0, in.external_id()};
    default:
      return Status::InvalidArgument("ref", "give a reservist id or an external id");
  }
}

Result<ReservistFilter> FilterFromProto(const v1::ListReservistsRequest& in) {
  ReservistFilter f;
  f.skill = in.skill();
  f.home_area = in.home_area();
  switch (in.status()) {
    case v1::RESERVIST_STATUS_UNSPECIFIED:
      break;
    case v1::ACTIVE:
      f.status = ReservistStatus::kActive;
      break;
    case v1::SUSPENDED:
      f.status = ReservistStatus::kSuspended;
      break;
    default:
      return Status::InvalidArgument("status", "unknown status value");
  }
  return f;
}

}  // namespace muster::api

#include "api/activation_convert.h"

#include <fmt/format.h>

namespace muster::api {
void SetTimestampMs(int64_t ms, google::protobuf::Timestamp* ts) {
  ts->set_seconds(ms / 1000);
  ts->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
}

namespace {

v1::ActivationState StateToProto(ActivationState s) {
  return static_cast<v1::ActivationState>(static_cast<int>(s));
}

}  // namespace

Result<ActivationSpec> FromProto(const v1::ActivationSpec& in) {
  ActivationSpec s;
  s.title = in.title();
  s.message = in.message();
  s.lat = in.lat();
  s.lon = in.lon();
  s.radius_km = in.radius_km();
  if (in.start_now()) {
    if (in.has_start())
      return Status::InvalidArgument("start", "must be unset when start_now is true");
    s.start_now = true;  // resolved by the manager, by the daemon's clock
  } else {
    if (!in.has_start()) return Status::InvalidArgument("start", "is required (or start_now)");
    if (in.start().nanos() != 0) {
      return Status::InvalidArgument("start", "must be a whole second");
    }
    // Bounded here so that nothing later computes with an absurd instant.
    MUSTER_RETURN_IF_ERROR(CheckAcceptedInstant("start", in.start().seconds()));
    s.start_unix = in.start().seconds();
  }
  s.duration_minutes = in.duration_minutes();
  s.answer_within_minutes = in.answer_within_minutes();
  switch (in.priority()) {
    case v1::PRIORITY_UNSPECIFIED:
    case v1::URGENT:
      s.priority = Priority::kUrgent;
      break;
    case v1::ROUTINE:
      s.priority = Priority::kRoutine;
      break;
    case v1::EMERGENCY:
      s.priority = Priority::kEmergency;
      break;
    default:
      return Status::InvalidArgument("priority", fmt::format("{} is unknown", in.priority()));
  }
  for (const auto& r : in.requirements()) {
    s.requirements.push_back({r.skill(), r.min_level(), r.count()});
  }
  s.areas.assign(in.areas().begin(), in.areas().end());
  return s;
}

void ToProto(const ActivationSpec& in, v1::ActivationSpec* out) {
  out->set_title(in.title);
  out->set_message(in.message);
  out->set_lat(in.lat);
  out->set_lon(in.lon);
  out->set_radius_km(in.radius_km);
  out->mutable_start()->set_seconds(in.start_unix);
  out->set_duration_minutes(in.duration_minutes);
  out->set_answer_within_minutes(in.answer_within_minutes);
  out->set_priority(static_cast<v1::Priority>(static_cast<int>(in.priority)));
  for (const auto& r : in.requirements) {
    auto* pr = out->add_requirements();
    pr->set_skill(r.skill);
    pr->set_min_level(r.min_level);
    pr->set_count(r.count);
  }
  for (const auto& a : in.areas) out->add_areas(a);
}

void ToProto(const RankedCandidate& in, const std::string& name, int wave, v1::Candidate* out) {
  out->set_reservist_id(in.reservist_id);
  out->set_name(name);
  out->set_requirement_index(in.requirement_index);
  out->set_rank(in.rank);
  out->set_distance_km(in.distance_km);
  out->set_level(in.level);
  out->set_accept_probability(in.accept_probability);
  out->set_wave(wave);
  auto* sc = out->mutable_score();
  sc->set_distance(in.score.distance);
  sc->set_level(in.score.level);
  sc->set_fairness(in.score.fairness);
  sc->set_reliability(in.score.reliability);
  sc->set_total(in.score.total);
}

void ToProto(const Callout& c, v1::Candidate* out) {
  ToProto(c.candidate, c.reservist_name, c.wave, out);
  if (c.id == 0) return;  // a preview: nothing dispatched
  out->set_state(static_cast<v1::CalloutState>(static_cast<int>(c.state)));
  if (auto kind = ChannelKindFromNumber(c.channel_kind)) out->set_channel(ChannelKindName(*kind));
  out->set_backend(c.backend);
  out->set_last_error(c.last_error);
  if (c.updated_at_ms != 0) SetTimestampMs(c.updated_at_ms, out->mutable_updated_at());
  out->set_idempotency_key(c.idempotency_key);
}

void ToProto(const RequirementRecord& r, v1::RequirementStatus* pr) {
  pr->mutable_requirement()->set_skill(r.requirement.skill);
  pr->mutable_requirement()->set_min_level(r.requirement.min_level);
  pr->mutable_requirement()->set_count(r.requirement.count);
  pr->set_eligible(static_cast<int32_t>(r.eligible));
  pr->set_asked(r.asked);
  pr->set_accepted(r.accepted);
  pr->set_shortfall(r.shortfall);
  pr->set_delivered(r.delivered);
  pr->set_declined(r.declined);
  pr->set_pending(r.pending);
  pr->set_unreachable(r.unreachable);
}

void ToProto(const dispatch::DispatchEvent& e, v1::ActivationEvent* out) {
  switch (e.kind) {
    case dispatch::DispatchEvent::Kind::kCallout:
      out->set_kind(v1::CALLOUT);
      ToProto(e.callout, out->mutable_callout());
      break;
    case dispatch::DispatchEvent::Kind::kWave:
      out->set_kind(v1::WAVE);
      break;
    case dispatch::DispatchEvent::Kind::kState:
      out->set_kind(v1::STATE);
      break;
  }
  SetTimestampMs(e.at_ms, out->mutable_at());
  out->set_activation_id(e.activation_id);
  out->set_state(StateToProto(e.state));
  for (const auto& r : e.requirements) ToProto(r, out->add_requirements());
  out->set_wave(e.wave);
  out->set_detail(e.detail);
}

void ToProto(const Activation& in, v1::Activation* out, bool with_candidates) {
  out->set_id(in.id);
  ToProto(in.spec, out->mutable_spec());
  // Requirements carry the resolved min level (never 0).
  for (int i = 0;
       i < out->spec().requirements_size() && i < static_cast<int>(in.requirements.size()); ++i) {
    out->mutable_spec()->mutable_requirements(i)->set_min_level(
        in.requirements[i].requirement.min_level);
  }
  out->set_state(StateToProto(in.state));
  out->set_idempotency_key(in.idempotency_key);
  for (const auto& r : in.requirements) ToProto(r, out->add_requirements());
  if (with_candidates) {
    for (const auto& c : in.callouts) ToProto(c, out->add_candidates());
  }
  for (const auto& h : in.history) {
    auto* ph = out->add_history();
    ph->set_state(StateToProto(h.state));
    SetTimestampMs(h.at_ms, ph->mutable_at());
    ph->set_reason(h.reason);
  }
  if (in.created_at_ms != 0) SetTimestampMs(in.created_at_ms, out->mutable_created_at());
}

void ToProto(const Explanation& in, v1::ExplainResponse* out) {
  out->set_selected(in.selected);
  out->set_reason(in.reason);
  if (in.selected) ToProto(in.candidate, "", 1, out->mutable_candidate());
}

Result<std::optional<ActivationState>> StateFilterFromProto(v1::ActivationState state) {
  if (state == v1::ACTIVATION_STATE_UNSPECIFIED) return std::optional<ActivationState>();
  if (state < v1::OPEN || state > v1::EXPIRED) {
    return Status::InvalidArgument("state", fmt::format("{} is not an activation state", state));
  }
  return std::optional<ActivationState>(static_cast<ActivationState>(static_cast<int>(state)));
}

}  // namespace muster::api

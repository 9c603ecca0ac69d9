// Conversions between muster.v1 activation messages and domain types.
// Pure functions; thread-safe.
#pragma once

#include "activation/activation.h"
#include "core/status.h"
#include "dispatch/event_hub.h"
#include "muster/v1/activation.pb.h"
#include "ranking/activation_ranker.h"

namespace muster::api {

// Unix milliseconds -> Timestamp.
void SetTimestampMs(int64_t ms, google::protobuf::Timestamp* ts);

// InvalidArgument naming the field for values that cannot be represented
// (unknown priority, missing start, a start outside the accepted instants of
// core/civil_time.h). Other ranges are checked by the domain.
Result<ActivationSpec> FromProto(const v1::ActivationSpec& in);
void ToProto(const ActivationSpec& in, v1::ActivationSpec* out);

// with_candidates = false leaves candidates out (for lists).
void ToProto(const Activation& in, v1::Activation* out, bool with_candidates = true);
void ToProto(const RankedCandidate& in, const std::string& name, int wave, v1::Candidate* out);
void ToProto(const Explanation& in, v1::ExplainResponse* out);
// A call-out with its dispatch state (stored activations) or as ranked (previews).
void ToProto(const Callout& in, v1::Candidate* out);
void ToProto(const RequirementRecord& in, v1::RequirementStatus* out);
void ToProto(const dispatch::DispatchEvent& in, v1::ActivationEvent* out);

Result<std::optional<ActivationState>> StateFilterFromProto(v1::ActivationState state);

}  // namespace muster::api

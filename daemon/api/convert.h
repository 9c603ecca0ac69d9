// Conversions between muster.v1 protobuf messages and domain types.
// FromProto functions parse text fields (dates, times of day) and return
// InvalidArgument naming the field (relative to the message, e.g.
// "skills[0].cert_expires") when they are malformed. Range and business-rule
// checks are left to roster/validate.h. Pure functions; thread-safe.
#pragma once

#include "core/status.h"
#include "muster/v1/roster.pb.h"
#include "roster/model.h"
#include "roster/roster.h"
#include "store/roster_store.h"

namespace muster::api {

Result<Reservist> FromProto(const v1::Reservist& in);
void ToProto(const Reservist& in, v1::Reservist* out);

Skill FromProto(const v1::Skill& in);
void ToProto(const Skill& in, v1::Skill* out);

// InvalidArgument("ref", ...) when neither id nor external_id is set.
Result<ReservistRef> FromProto(const v1::ReservistRef& in);

// Filter from a list request; InvalidArgument for an unknown status value.
Result<ReservistFilter> FilterFromProto(const v1::ListReservistsRequest& in);

}  // namespace muster::api

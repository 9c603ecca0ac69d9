// The table-mode (human) renderings of roster results. Every line ends in
// '\n'. The formats are stable (scripts should still prefer --output json)
// and documented in client/README.md.
#pragma once

#include <span>
#include <string>

#include "muster/v1/roster.pb.h"

namespace muster::client {

// `reservist list`: one row per reservist with the columns
//   ID  EXTERNAL ID  NAME  AREA  STATUS  SKILLS  CHANNELS
// SKILLS is "first_aid:2, driver_4x4:1" (cut at 40 characters), CHANNELS the
// number of channels and the first one's kind ("2 sms"). Names are cut at
// 30 characters.
std::string RenderReservistTable(
    const google::protobuf::RepeatedPtrField<muster::v1::Reservist>& reservists);

// `reservist get/add/update`: one "key  value" line per field; list fields
// give one line per item, in the flag syntax of roster_fields.h, so they can
// be pasted into `reservist update`.
std::string RenderReservistDetails(const muster::v1::Reservist& reservist);

// "first_aid:2, driver_4x4:1" (levels only; "-" if none).
std::string SkillsSummary(const muster::v1::Reservist& reservist);

// `skill list`: CODE  NAME  LEVELS  HOLDERS, e.g. "first_aid  First aid  1-3  42".
std::string RenderSkillTable(const muster::v1::ListSkillsResponse& skills);

// `roster import`: the errors (if any), then the counts last so they stay on
// screen after a long error list:
//   errors:
//   line 17: lat: "abc" is not a number
//   ...
//   ... and 5 more not listed     (when the daemon listed fewer than rejected)
//   received   1000
//   created    990
//   updated    0
//   rejected   10
//   committed  yes                (or "no (dry run)" / "no (rows were rejected)")
// `dry_run` says whether the import was a dry run (explains committed = no).
std::string RenderImportSummary(const muster::v1::ImportSummary& summary, bool dry_run);

// "line 17: lat: \"abc\" is not a number" (without "field: " when the field
// is empty).
std::string FormatRowError(const muster::v1::RowError& error);

}  // namespace muster::client

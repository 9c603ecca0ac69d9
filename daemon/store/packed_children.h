// Packed child lists (schema/0008_packed_children.sql): a reservist's
// contact channels, weekly windows and dated unavailability are stored in
// its own row as small JSON arrays, written and read here.
//
//   channels        [[kind, "address"], ...]
//   windows         [[day, start_min, end_min], ...]
//   unavailability  [[from_day, until_day, "reason"], ...]
//
// Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "roster/model.h"

namespace muster {

struct PackedChildren {
  std::string channels;
  std::string windows;
  std::string unavailability;
};

// The checks the child tables' CHECK constraints made before 0008 (a second
// line of defence behind roster/validate.h): InvalidArgument naming the
// field as they did, e.g. "availability[1].day".
Status CheckPackedChildren(const Reservist& r);

// Encodes r's lists into out, reusing its strings' storage.
void PackChildren(const Reservist& r, PackedChildren& out);

// Decode what PackChildren wrote (or the migration's json_group_array),
// replacing out's contents. Internal if the text is not such an array.
Status UnpackChannels(std::string_view json, std::vector<ContactChannel>& out);
Status UnpackWindows(std::string_view json, std::vector<WeeklyWindow>& out);
Status UnpackUnavailability(std::string_view json, std::vector<Unavailability>& out);

}  // namespace muster

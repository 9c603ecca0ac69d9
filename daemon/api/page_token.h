// Page tokens of the list RPCs: the decimal id of the last item of the
// previous page, opaque to clients.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace muster::api {

// "" -> 0 (the first page). Otherwise a whole decimal number >= min_id, else
// InvalidArgument("page_token", ...).
Result<int64_t> ParsePageToken(const std::string& token, int64_t min_id);

}  // namespace muster::api

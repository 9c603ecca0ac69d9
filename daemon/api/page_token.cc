#include "api/page_token.h"

#include <fmt/format.h>

#include <charconv>

namespace muster::api {

Result<int64_t> ParsePageToken(const std::string& token, int64_t min_id) {
  if (token.empty()) return int64_t{0};
  int64_t id = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), id);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size() || id < min_id) {
    return Status::InvalidArgument("page_token", fmt::format("'{}' is not a page token", token));
  }
  return id;
}

}  // namespace muster::api

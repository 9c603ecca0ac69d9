#include "api/watch_slots.h"

#include <fmt/format.h>

namespace muster::api {

std::optional<WatchSlots::Slot> WatchSlots::Acquire(const std::string& caller, std::string& why) {
  std::lock_guard lock(mu_);
  if (open_ >= total_) {
    why = fmt::format(
        "{} activation watches are open, the most this musterd serves; close one "
        "or try again later",
        open_);
    return std::nullopt;
  }
  size_t& mine = by_caller_[caller];
  if (mine >= per_caller_) {
    why = fmt::format(
        "this caller has {} activation watches open, the most allowed per caller; "
        "close one first",
        mine);
    return std::nullopt;
  }
  ++mine;
  ++open_;
  return std::optional<Slot>(std::in_place, this, caller);
}

size_t WatchSlots::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

void WatchSlots::Release(const std::string& caller) {
  std::lock_guard lock(mu_);
  auto it = by_caller_.find(caller);
  if (it != by_caller_.end() && --it->second == 0) by_caller_.erase(it);
  --open_;
}

}  // namespace muster::api

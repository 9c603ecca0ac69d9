#include "dispatch/person_cap.h"

#include <algorithm>

namespace muster::dispatch {

void PersonCap::Load(const std::vector<std::pair<int64_t, int64_t>>& sends) {
  for (const auto& [reservist, at_ms] : sends) sends_[reservist].push_back(at_ms);
  for (auto& [reservist, times] : sends_) std::sort(times.begin(), times.end());
}

bool PersonCap::Allows(int64_t reservist, int64_t now_ms) {
  auto it = sends_.find(reservist);
  if (it == sends_.end()) return per_hour_ > 0;
  std::vector<int64_t>& times = it->second;
  auto fresh =
      std::find_if(times.begin(), times.end(), [&](int64_t t) { return t > now_ms - kWindowMs; });
  times.erase(times.begin(), fresh);
  return static_cast<int>(times.size()) < per_hour_;
}

}  // namespace muster::dispatch

#include "ranking/unavailability_calendar.h"

#include <algorithm>

namespace muster {

void UnavailabilityCalendar::Add(int64_t id, const DayRange& period) {
  const Entry e{id, period.from.days, period.until.days};
  const int32_t first = WeekOf(e.from);
  const int32_t last = WeekOf(std::max(e.from, e.until));
  if (last - first >= kLongWeeks) {
    long_.push_back(e);
    return;
  }
  for (int32_t w = first; w <= last; ++w) weeks_[w].push_back(e);
}

void UnavailabilityCalendar::Erase(std::vector<Entry>& entries, int64_t id,
                                   const DayRange& period) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) {
    return e.id == id && e.from == period.from.days && e.until == period.until.days;
  });
  if (it == entries.end()) return;
  *it = entries.back();
  entries.pop_back();
}

void UnavailabilityCalendar::Remove(int64_t id, const DayRange& period) {
  const int32_t first = WeekOf(period.from.days);
  const int32_t last = WeekOf(std::max(period.from.days, period.until.days));
  if (last - first >= kLongWeeks) {
    Erase(long_, id, period);
    return;
  }
  for (int32_t w = first; w <= last; ++w) {
    auto it = weeks_.find(w);
    if (it == weeks_.end()) continue;
    Erase(it->second, id, period);
    if (it->second.empty()) weeks_.erase(it);
  }
}

size_t UnavailabilityCalendar::MemoryBytes() const {
  size_t bytes = long_.capacity() * sizeof(Entry) + weeks_.bucket_count() * sizeof(void*);
  for (const auto& [week, entries] : weeks_) {
    bytes += 48 + entries.capacity() * sizeof(Entry);  // node + vector buffer
  }
  return bytes;
}

}  // namespace muster

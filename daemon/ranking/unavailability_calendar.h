// Dated unavailability periods filed by week, so a query finds the reservists
// unavailable during its days by looking at a few weeks' entries instead of
// at every reservist's record. Not thread-safe: IndexState serialises
// writers; const methods may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/civil_time.h"
#include "ranking/eligibility.h"

namespace muster {

class UnavailabilityCalendar {
 public:
  // Files a reservist's period; Remove takes the same arguments.
  void Add(int64_t id, const DayRange& period);
  void Remove(int64_t id, const DayRange& period);

  // Calls fn(id) for each period overlapping the days [first, last]; an id
  // may come more than once.
  template <typename Fn>
  void ForEachOverlapping(Date first, Date last, Fn&& fn) const {
    auto scan = [&](const std::vector<Entry>& entries) {
      for (const Entry& e : entries) {
        if (e.from <= last.days && e.until >= first.days) fn(e.id);
      }
    };
    scan(long_);
    if (WeekOf(last.days) - WeekOf(first.days) >= kLongWeeks) {
      for (const auto& [week, entries] : weeks_) scan(entries);
      return;
    }
    for (int32_t w = WeekOf(first.days); w <= WeekOf(last.days); ++w) {
      auto it = weeks_.find(w);
      if (it != weeks_.end()) scan(it->second);
    }
  }

  size_t MemoryBytes() const;

 private:
  struct Entry {
    int64_t id;
    int32_t from;   // days since 1970, inclusive
    int32_t until;  // inclusive
  };
  // Periods spanning more weeks than this are kept in one list, scanned by
  // every query, rather than filed under each week.
  static constexpr int32_t kLongWeeks = 8;

  static int32_t WeekOf(int32_t days) { return days >= 0 ? days / 7 : -((-days + 6) / 7); }
  static void Erase(std::vector<Entry>& entries, int64_t id, const DayRange& period);

  std::unordered_map<int32_t, std::vector<Entry>> weeks_;
  std::vector<Entry> long_;
};

}  // namespace muster

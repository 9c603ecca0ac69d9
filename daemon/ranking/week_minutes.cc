#include "ranking/week_minutes.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/civil_time.h"

namespace muster {

namespace {

void AddWrapped(std::vector<WeekInterval>& out, int start, int end) {
  if (end <= kMinutesPerWeek) {
    out.push_back({static_cast<uint16_t>(start), static_cast<uint16_t>(end)});
    return;
  }
  out.push_back({static_cast<uint16_t>(start), static_cast<uint16_t>(kMinutesPerWeek)});
  out.push_back({0, static_cast<uint16_t>(end - kMinutesPerWeek)});
}

// The parts of `need` not covered by `have` (both normalised), in week order.
std::vector<WeekInterval> Uncovered(std::span<const WeekInterval> have,
                                    std::span<const WeekInterval> need) {
  std::vector<WeekInterval> gaps;
  size_t h = 0;
  for (const WeekInterval& n : need) {
    int at = n.start;
    while (at < n.end) {
      while (h < have.size() && have[h].end <= at) ++h;
      if (h == have.size() || have[h].start >= n.end) {
        gaps.push_back({static_cast<uint16_t>(at), n.end});
        break;
      }
      if (have[h].start > at) gaps.push_back({static_cast<uint16_t>(at), have[h].start});
      at = have[h].end;
    }
  }
  return gaps;
}

const char* DayName(int week_minute) {
  static constexpr const char* kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return kNames[(week_minute / kMinutesPerDay) % 7];
}

}  // namespace

void NormaliseWeekIntervals(std::vector<WeekInterval>& intervals) {
  std::sort(intervals.begin(), intervals.end(), [](const WeekInterval& a, const WeekInterval& b) {
    return a.start < b.start || (a.start == b.start && a.end < b.end);
  });
  size_t out = 0;
  for (const WeekInterval& iv : intervals) {
    if (out > 0 && iv.start <= intervals[out - 1].end) {
      intervals[out - 1].end = std::max(intervals[out - 1].end, iv.end);
    } else {
      intervals[out++] = iv;
    }
  }
  intervals.resize(out);
}

std::vector<WeekInterval> WeeklyWindowsToIntervals(const std::vector<WeeklyWindow>& windows) {
  std::vector<WeekInterval> out;
  out.reserve(windows.size() + 1);
  for (const WeeklyWindow& w : windows) {
    const int base = (std::clamp(w.day, 1, 7) - 1) * kMinutesPerDay;
    const int start = std::clamp(w.start_min, 0, kMinutesPerDay - 1);
    int end = std::clamp(w.end_min, 0, kMinutesPerDay);
    if (end <= start) end += kMinutesPerDay;  // crosses midnight (or a full 24 h)
    AddWrapped(out, base + start, base + end);
  }
  NormaliseWeekIntervals(out);
  return out;
}

bool CoversWholeWeek(std::span<const WeekInterval> have) {
  return have.size() == 1 && have[0].start == 0 && have[0].end == kMinutesPerWeek;
}

bool CoversAll(std::span<const WeekInterval> have, std::span<const WeekInterval> need) {
  size_t h = 0;
  for (const WeekInterval& n : need) {
    while (h < have.size() && have[h].end < n.end) ++h;
    // have is merged, so n must sit inside a single interval.
    if (h == have.size() || have[h].start > n.start) return false;
  }
  return true;
}

std::optional<WeekGap> FirstUncovered(std::span<const WeekInterval> have,
                                      std::span<const WeekInterval> need, int from) {
  std::vector<WeekInterval> gaps = Uncovered(have, need);
  if (gaps.empty()) return std::nullopt;
  auto rotated = [from](const WeekInterval& g) {
    return (g.start - from + kMinutesPerWeek) % kMinutesPerWeek;
  };
  auto first = std::min_element(gaps.begin(), gaps.end(), [&](const auto& a, const auto& b) {
    return rotated(a) < rotated(b);
  });
  WeekGap gap{first->start, first->end};
  // A stretch running from Sunday into Monday is two intervals; show it as one.
  if (gap.end == kMinutesPerWeek && gaps.front().start == 0 && gaps.front().start != gap.start) {
    gap.end = kMinutesPerWeek + gaps.front().end;
  }
  return gap;
}

std::string FormatWeekGap(const WeekGap& gap) {
  const int start_day = gap.start / kMinutesPerDay;
  const int end_day = (gap.end - 1) / kMinutesPerDay;
  const int end_in_day = gap.end - end_day * kMinutesPerDay;  // 1..1440
  std::string out =
      fmt::format("{} {}-", DayName(gap.start), FormatTimeOfDay(gap.start % kMinutesPerDay));
  if (end_day != start_day) out += fmt::format("{} ", DayName(gap.end - 1));
  return out + (end_in_day == kMinutesPerDay ? std::string("24:00") : FormatTimeOfDay(end_in_day));
}

}  // namespace muster

// Interned weekly-availability patterns. Many reservists share a pattern
// ("weekday evenings", "weekends"), so the index stores each distinct list of
// week intervals once and gives reservists a pattern id; a query then decides
// each pattern once (see PatternVerdicts) instead of once per reservist.
// Not thread-safe: IndexState serialises writers; const methods may run
// concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ranking/week_minutes.h"

namespace muster {

class WindowPatterns {
 public:
  // Id 0 is the empty pattern: available at any time. It is never stored.
  static constexpr uint32_t kAnyTime = 0;

  // The id of a normalised interval list, adding it if new; counts a
  // reference.
  uint32_t Intern(std::span<const WeekInterval> intervals);
  // Drops a reference; the pattern is freed with its last one.
  void Release(uint32_t id);

  std::span<const WeekInterval> Get(uint32_t id) const {
    const Pattern& p = patterns_[id];
    return {data_.data() + p.at, p.n};
  }
  // Hints the CPU to fetch a pattern's header ahead of Get.
  void Prefetch(uint32_t id) const { __builtin_prefetch(&patterns_[id]); }
  // One past the largest id in use.
  uint32_t id_limit() const { return static_cast<uint32_t>(patterns_.size()); }
  size_t live() const { return by_content_.size(); }
  size_t MemoryBytes() const;

 private:
  struct Pattern {
    uint32_t at = 0;  // into data_
    uint32_t n = 0;
    uint32_t refs = 0;
  };
  static std::string Key(std::span<const WeekInterval> intervals);
  void MaybeCompact();

  std::vector<Pattern> patterns_{1};  // [0] = any time
  std::vector<WeekInterval> data_;
  size_t garbage_ = 0;
  std::vector<uint32_t> free_ids_;
  std::unordered_map<std::string, uint32_t> by_content_;
};

// Per-query memo of "does pattern p cover the activation's needed minutes?".
// Stamped with a query number, so nothing is cleared between queries. One per
// thread (see ForThisThread); not shareable between threads.
class PatternVerdicts {
 public:
  // Starts a query over patterns with ids below id_limit.
  void Begin(uint32_t id_limit);
  // Whether pattern `id` covers `need`, computed on first use in this query.
  bool Covers(const WindowPatterns& patterns, uint32_t id, std::span<const WeekInterval> need) {
    const uint32_t v = stamps_[id];
    if ((v >> 1) == epoch_) return v & 1;
    const bool ok = CoversAll(patterns.Get(id), need);
    stamps_[id] = epoch_ << 1 | static_cast<uint32_t>(ok);
    return ok;
  }
  void Prefetch(uint32_t id) const { __builtin_prefetch(&stamps_[id]); }
  static PatternVerdicts& ForThisThread();

 private:
  std::vector<uint32_t> stamps_;
  uint32_t epoch_ = 0;
};

}  // namespace muster

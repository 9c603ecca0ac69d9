// The storage behind RosterIndex: compact per-reservist records, per-skill
// postings bucketed by grid cell, and pools for the variable-length parts.
// Not thread-safe: RosterIndex serialises writers against readers; const
// methods may run concurrently with each other.
//
// Layout (bytes per reservist are reported by Memory()):
//  - Record, 48 B per reservist: id, status, home point, max travel, grid
//    cell, weekly pattern id, and offsets into the pools;
//  - Posting, 32 B per skill held by an active reservist, in the list of its
//    (skill, level, cell) (PostingGrid): everything the hot loop needs
//    without touching the record;
//  - interned weekly patterns (WindowPatterns), shared between reservists;
//  - pools of held skills (8 B each) and dated unavailability (8 B);
//  - an OpenHashIndex (4 B a bucket) from id to record slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "ranking/eligibility.h"
#include "ranking/geo.h"
#include "ranking/open_hash_index.h"
#include "ranking/posting_grid.h"
#include "ranking/rank_request.h"
#include "ranking/readiness.h"
#include "ranking/selection.h"
#include "ranking/window_patterns.h"
#include "roster/model.h"

namespace muster {

// Bytes held by the index, by structure.
struct IndexMemory {
  int64_t reservists = 0;
  size_t records = 0;
  size_t postings = 0;
  size_t pools = 0;
  size_t hash_tables = 0;
  size_t total() const { return records + postings + pools + hash_tables; }
  double per_reservist() const {
    return reservists ? static_cast<double>(total()) / static_cast<double>(reservists) : 0;
  }
};

// Work done by one CollectEligible, for benchmarks and metrics.
struct CollectStats {
  int64_t lists = 0;     // (skill, level, cell) posting lists visited
  int64_t postings = 0;  // postings looked at
  int64_t eligible = 0;  // candidates produced (summed over requirements)
};

class IndexState {
 public:
  // Adds or replaces a reservist (by id, which must be > 0).
  Status Upsert(const Reservist& reservist);
  // Removes a reservist; false if absent.
  bool Remove(int64_t id);
  // Releases spare capacity (after a bulk load).
  void ShrinkToFit();

  int64_t size() const { return static_cast<int64_t>(by_id_.size()); }
  IndexMemory Memory() const;

  // The eligible candidates of each requirement, appended to out[i] (out is
  // resized to the number of requirements). The per-thread scratch it uses
  // (busy ids, pattern verdicts) makes it safe to call from many threads at
  // once.
  void CollectEligible(const PreparedRequest& request,
                       std::vector<std::vector<EligibleCandidate>>& out, CollectStats* stats) const;

  std::optional<ReservistFacts> Find(int64_t id) const;

  // The readiness matrix for `skills` (codes, already validated; the query's
  // own skill list is ignored) over the query's areas. One pass over the
  // records; safe to call from many threads at once.
  ReadinessMatrix Readiness(const ReadinessQuery& query,
                            const std::vector<std::string>& skills) const;

 private:
  struct Record {
    int64_t id = 0;  // 0 = free slot
    double max_travel_km = 0;
    GeoPoint home;
    uint32_t cell = 0;
    uint32_t pattern = 0;  // WindowPatterns id; 0 = any time
    uint32_t skills_at = 0;
    uint32_t unavailable_at = 0;
    uint8_t skills_n = 0;
    uint8_t unavailable_n = 0;
    uint8_t status = 0;  // ReservistStatus
    uint16_t area = 0;   // interned home area (in the padding: no extra bytes)
  };
  struct HeldSkill {
    uint16_t skill;  // interned code
    uint8_t level;
    int32_t cert_day;  // days since 1970; kNeverExpires = none
  };
  template <typename T>
  struct Pool {
    std::vector<T> data;
    size_t garbage = 0;
    uint32_t Append(const T* items, size_t n);
  };
  struct RecordKey {
    const std::vector<Record>* records;
    uint64_t operator()(uint32_t slot) const;
  };
  struct Query;

  uint32_t AllocateSlot(int64_t id);
  uint16_t InternSkill(const std::string& code);
  uint16_t InternArea(const std::string& code);
  PostingGrid& GridFor(uint16_t skill, uint8_t level);
  void Store(uint32_t slot, const Reservist& reservist, const ReservistFacts& facts);
  void AddPostings(uint32_t slot);
  void RemovePostings(uint32_t slot);
  void ReleasePools(uint32_t slot);
  void MaybeCompactPools();
  const Record& RecordOf(int64_t id) const;  // id must be indexed
  struct AwaySpan {
    uint16_t from = 0xFFFF;  // none: from > until
    uint16_t until = 0;
    bool exact = true;
  };
  AwaySpan AwaySpanOf(const Record& record) const;
  bool AwayDuring(const Record& record, const Query& query) const;
  void PrepareBusy(const PreparedRequest& request, Query& query) const;
  void CollectOne(const Query& query, size_t requirement, std::vector<EligibleCandidate>& out,
                  CollectStats& stats) const;
  void CollectList(const Query& query, const std::vector<Posting>& postings, int level,
                   std::vector<EligibleCandidate>& out) const;

  std::vector<Record> records_;
  std::vector<uint32_t> free_slots_;
  OpenHashIndex by_id_;
  std::vector<std::vector<PostingGrid>> grids_;  // [skill][level]
  WindowPatterns patterns_;
  Pool<HeldSkill> skills_;
  Pool<DayRange> unavailable_;
  std::vector<std::string> skill_codes_;
  std::unordered_map<std::string, uint16_t> skill_ids_;
  std::vector<std::string> area_codes_;
  std::unordered_map<std::string, uint16_t> area_ids_;
};

}  // namespace muster

// The postings of one (skill, level) pair, bucketed by GeoGrid cell and
// organised by grid row, so a query walks a few rows of contiguous cells
// instead of looking cells up one by one. Not thread-safe: IndexState
// serialises writers; const methods may run concurrently.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ranking/geo.h"
#include "ranking/geo_grid.h"

namespace muster {

// One active reservist's holding of a skill at a level: what the query's hot
// loop needs without touching the reservist's record. 32 bytes.
struct Posting {
  static constexpr uint16_t kCertNever = 0xFFFF;
  static constexpr uint16_t kMaxTravelInRecord = 0xFFFF;

  int64_t id;
  GeoPoint home;
  // The WindowPatterns id (0 = any time) in the low 31 bits; the top bit
  // (kAwayInexactBit) is set when [away_from, away_until] is not exactly the
  // reservist's dated unavailability (several periods with gaps between).
  uint32_t pattern_bits;
  uint16_t cert_day;  // last valid day, days since 1970 clamped to [0, 65534]; kCertNever
  // Max travel in sixteenths of a km when that is exact (e.g. 37.5 km ->
  // 600), else kMaxTravelInRecord: read the record's double.
  uint16_t max_travel_16th;
  // The span of days of the reservist's dated unavailability (days since
  // 1970); away_from > away_until when there is none. A query overlapping
  // it excludes the reservist, after a look at the record when inexact.
  uint16_t away_from;
  uint16_t away_until;

  static constexpr uint32_t kAwayInexactBit = 0x80000000u;
  uint32_t pattern() const { return pattern_bits & ~kAwayInexactBit; }
  bool away_inexact() const { return (pattern_bits & kAwayInexactBit) != 0; }
};
static_assert(sizeof(Posting) == 32);

class PostingGrid {
 public:
  // The list for a cell, created empty if absent.
  std::vector<Posting>& ListAt(uint32_t cell);
  // The list for a cell, or nullptr.
  std::vector<Posting>* FindList(uint32_t cell);

  // Calls fn(list) for each non-empty list in the spans (row-major).
  template <typename Fn>
  void ForEachList(const std::vector<GeoGrid::RowSpan>& spans, Fn&& fn) const {
    for (const GeoGrid::RowSpan& span : spans) {
      const int64_t r = int64_t{span.row} - row_base_;
      if (r < 0 || r >= static_cast<int64_t>(rows_.size())) continue;
      const std::vector<CellPostings>& row = rows_[static_cast<size_t>(r)];
      auto it = std::lower_bound(row.begin(), row.end(), static_cast<uint32_t>(span.col_lo),
                                 [](const CellPostings& c, uint32_t col) { return c.col < col; });
      for (; it != row.end() && it->col <= static_cast<uint32_t>(span.col_hi); ++it) {
        if (!it->postings.empty()) fn(it->postings);
      }
    }
  }

  void ShrinkToFit();
  size_t MemoryBytes() const;

 private:
  struct CellPostings {
    uint32_t col;
    std::vector<Posting> postings;
  };

  int32_t row_base_ = 0;  // grid row of rows_[0]
  std::vector<std::vector<CellPostings>> rows_;
};

}  // namespace muster

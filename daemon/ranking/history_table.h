// Per-reservist deployment and answer history, supplied by the caller (the
// dispatcher, once it exists) and read by scoring and wave sizing.
// Immutable after construction; thread-safe to share between requests (hold
// it in a shared_ptr<const HistoryTable> and build a new one to change it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ranking/open_hash_index.h"

namespace muster {

struct ReservistHistory {
  int64_t reservist_id = 0;
  // When their last deployment ended, Unix seconds; 0 = never deployed.
  int64_t last_deployment_end = 0;
  // Call-outs (times asked) in the 30 days before the activation's start.
  int32_t callouts_30d = 0;
  // Lifetime answer counts. asked >= accepted + declined; the rest are
  // call-outs left unanswered.
  int32_t asked = 0;
  int32_t accepted = 0;
  int32_t declined = 0;
};

class HistoryTable {
 public:
  HistoryTable() = default;
  // One row per reservist; for a repeated id the last row wins.
  explicit HistoryTable(std::vector<ReservistHistory> rows);

  // The row for a reservist, or nullptr (= no history: never deployed, never
  // asked).
  const ReservistHistory* Find(int64_t reservist_id) const {
    const uint32_t i = index_.Find(static_cast<uint64_t>(reservist_id), KeyOf{&rows_});
    return i == OpenHashIndex::kNone ? nullptr : &rows_[i];
  }

  // Totals over all rows, for the roster-wide acceptance rate.
  int64_t total_asked() const { return total_asked_; }
  int64_t total_accepted() const { return total_accepted_; }
  int64_t total_declined() const { return total_declined_; }
  size_t size() const { return rows_.size(); }

 private:
  struct KeyOf {
    const std::vector<ReservistHistory>* rows;
    uint64_t operator()(uint32_t i) const { return static_cast<uint64_t>((*rows)[i].reservist_id); }
  };

  std::vector<ReservistHistory> rows_;
  OpenHashIndex index_;
  int64_t total_asked_ = 0;
  int64_t total_accepted_ = 0;
  int64_t total_declined_ = 0;
};

}  // namespace muster

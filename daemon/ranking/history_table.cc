#include "ranking/history_table.h"

#include <utility>

namespace muster {

HistoryTable::HistoryTable(std::vector<ReservistHistory> rows) {
  rows_.reserve(rows.size());
  index_.Reserve(rows.size(), KeyOf{&rows_});
  for (ReservistHistory& row : rows) {
    const uint64_t key = static_cast<uint64_t>(row.reservist_id);
    const uint32_t existing = index_.Find(key, KeyOf{&rows_});
    if (existing != OpenHashIndex::kNone) {
      rows_[existing] = std::move(row);
      continue;
    }
    rows_.push_back(std::move(row));
    index_.Insert(static_cast<uint32_t>(rows_.size() - 1), KeyOf{&rows_});
  }
  for (const ReservistHistory& row : rows_) {
    total_asked_ += row.asked;
    total_accepted_ += row.accepted;
    total_declined_ += row.declined;
  }
}

}  // namespace muster

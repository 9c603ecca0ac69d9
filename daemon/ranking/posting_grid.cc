#include "ranking/posting_grid.h"

namespace muster {

namespace {

int32_t RowOfCell(uint32_t cell) {
  return static_cast<int32_t>(cell / GeoGrid::kCols);
}
uint32_t ColOfCell(uint32_t cell) {
  return cell % GeoGrid::kCols;
}

}  // namespace

std::vector<Posting>& PostingGrid::ListAt(uint32_t cell) {
  const int32_t row = RowOfCell(cell);
  if (rows_.empty()) {
    row_base_ = row;
    rows_.resize(1);
  } else if (row < row_base_) {
    rows_.insert(rows_.begin(), static_cast<size_t>(row_base_ - row), {});
    row_base_ = row;
  } else if (row >= row_base_ + static_cast<int32_t>(rows_.size())) {
    rows_.resize(static_cast<size_t>(row - row_base_ + 1));
  }
  std::vector<CellPostings>& cells = rows_[static_cast<size_t>(row - row_base_)];
  const uint32_t col = ColOfCell(cell);
  auto it = std::lower_bound(cells.begin(), cells.end(), col,
                             [](const CellPostings& c, uint32_t v) { return c.col < v; });
  if (it == cells.end() || it->col != col) it = cells.insert(it, CellPostings{col, {}});
  return it->postings;
}

std::vector<Posting>* PostingGrid::FindList(uint32_t cell) {
  const int64_t r = int64_t{RowOfCell(cell)} - row_base_;
  if (r < 0 || r >= static_cast<int64_t>(rows_.size())) return nullptr;
  std::vector<CellPostings>& cells = rows_[static_cast<size_t>(r)];
  const uint32_t col = ColOfCell(cell);
  auto it = std::lower_bound(cells.begin(), cells.end(), col,
                             [](const CellPostings& c, uint32_t v) { return c.col < v; });
  return it != cells.end() && it->col == col ? &it->postings : nullptr;
}

void PostingGrid::ShrinkToFit() {
  rows_.shrink_to_fit();
  for (auto& row : rows_) {
    row.shrink_to_fit();
    for (CellPostings& c : row) c.postings.shrink_to_fit();
  }
}

size_t PostingGrid::MemoryBytes() const {
  size_t bytes = rows_.capacity() * sizeof(rows_[0]);
  for (const auto& row : rows_) {
    bytes += row.capacity() * sizeof(CellPostings);
    for (const CellPostings& c : row) bytes += c.postings.capacity() * sizeof(Posting);
  }
  return bytes;
}

}  // namespace muster

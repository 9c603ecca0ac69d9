// A fixed latitude/longitude grid over the globe, used to find the reservists
// near an activation without visiting everyone. Pure; thread-safe.
//
// Cells are 0.05 degrees of latitude by 0.08 degrees of longitude (about
// 5.6 km x 5.5 km in England). A cell key is row * kCols + col, below 2^24.
#pragma once

#include <cstdint>
#include <vector>

namespace muster {

class GeoGrid {
 public:
  static constexpr double kCellLatDeg = 0.05;
  static constexpr double kCellLonDeg = 0.08;
  static constexpr int kRows = 3600;  // 180 / 0.05
  static constexpr int kCols = 4500;  // 360 / 0.08

  // The cell holding a point (lat in [-90, 90]; lon wraps).
  static uint32_t CellOf(double lat_deg, double lon_deg);

  // Every cell that may hold a point within radius_km (great circle) of the
  // given point: a superset of the exact answer, in row-major order, each cell
  // once. Cells are kept when their centre is within radius_km plus the
  // cell's half-diagonal, which the triangle inequality makes safe.
  static std::vector<uint32_t> CellsNear(double lat_deg, double lon_deg, double radius_km);

  // A run of cells in one row: columns col_lo..col_hi inclusive.
  struct RowSpan {
    int row = 0;
    int col_lo = 0;
    int col_hi = 0;
  };
  // CellsNear as runs of consecutive cells, in row-major order.
  static std::vector<RowSpan> SpansNear(double lat_deg, double lon_deg, double radius_km);
};

}  // namespace muster

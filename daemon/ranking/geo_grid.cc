#include "ranking/geo_grid.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "ranking/geo.h"

namespace muster {

namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;
constexpr double kDegPerRad = 180.0 / std::numbers::pi;

// Plain haversine on degrees; only used to prune cells, with slack.
double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  const double s_lat = std::sin((lat2 - lat1) * kRadPerDeg * 0.5);
  const double s_lon = std::sin((lon2 - lon1) * kRadPerDeg * 0.5);
  const double a =
      s_lat * s_lat + std::cos(lat1 * kRadPerDeg) * std::cos(lat2 * kRadPerDeg) * s_lon * s_lon;
  return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

int RowOf(double lat_deg) {
  const int row = static_cast<int>(std::floor((lat_deg + 90.0) / GeoGrid::kCellLatDeg));
  return std::clamp(row, 0, GeoGrid::kRows - 1);
}

int64_t ColUnwrapped(double lon_deg) {
  return static_cast<int64_t>(std::floor((lon_deg + 180.0) / GeoGrid::kCellLonDeg));
}

int WrapCol(int64_t col) {
  const int64_t m = col % GeoGrid::kCols;
  return static_cast<int>(m < 0 ? m + GeoGrid::kCols : m);
}

// Upper bound on the distance from a cell's centre to any point of it.
double HalfDiagonalKm(int row) {
  const double lat_lo = row * GeoGrid::kCellLatDeg - 90.0;
  const double lat_hi = lat_lo + GeoGrid::kCellLatDeg;
  const double lat_mid = lat_lo + GeoGrid::kCellLatDeg * 0.5;
  const double half_lon = GeoGrid::kCellLonDeg * 0.5;
  const double d = std::max(HaversineKm(lat_mid, 0, lat_lo, half_lon),
                            HaversineKm(lat_mid, 0, lat_hi, half_lon));
  return d * 1.01 + 0.01;
}

}  // namespace

uint32_t GeoGrid::CellOf(double lat_deg, double lon_deg) {
  return static_cast<uint32_t>(RowOf(lat_deg)) * kCols +
         static_cast<uint32_t>(WrapCol(ColUnwrapped(lon_deg)));
}

std::vector<uint32_t> GeoGrid::CellsNear(double lat_deg, double lon_deg, double radius_km) {
  const double theta = radius_km / kEarthRadiusKm;
  const double dlat = theta * kDegPerRad + 1e-6;
  const int row_lo = RowOf(lat_deg - dlat);
  const int row_hi = RowOf(lat_deg + dlat);
  // Longitude half-width of a spherical cap: asin(sin(theta) / cos(lat)).
  bool all_cols =
      lat_deg + dlat >= 90.0 || lat_deg - dlat <= -90.0 || theta >= std::numbers::pi / 2;
  double dlon = 180.0;
  if (!all_cols) {
    const double s = std::sin(theta) / std::cos(lat_deg * kRadPerDeg);
    all_cols = s >= 1.0;
    if (!all_cols) dlon = std::asin(s) * kDegPerRad + 1e-6;
  }
  int64_t col_lo = ColUnwrapped(lon_deg - dlon);
  int64_t col_hi = ColUnwrapped(lon_deg + dlon);
  if (all_cols || col_hi - col_lo + 1 >= kCols) {
    col_lo = 0;
    col_hi = kCols - 1;
  }
  std::vector<uint32_t> cells;
  for (int row = row_lo; row <= row_hi; ++row) {
    const double reach = radius_km + HalfDiagonalKm(row);
    const double centre_lat = row * kCellLatDeg - 90.0 + kCellLatDeg * 0.5;
    for (int64_t c = col_lo; c <= col_hi; ++c) {
      const int col = WrapCol(c);
      const double centre_lon = col * kCellLonDeg - 180.0 + kCellLonDeg * 0.5;
      if (HaversineKm(lat_deg, lon_deg, centre_lat, centre_lon) > reach) continue;
      cells.push_back(static_cast<uint32_t>(row) * kCols + static_cast<uint32_t>(col));
    }
  }
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  return cells;
}

std::vector<GeoGrid::RowSpan> GeoGrid::SpansNear(double lat_deg, double lon_deg, double radius_km) {
  std::vector<RowSpan> spans;
  for (uint32_t cell : CellsNear(lat_deg, lon_deg, radius_km)) {
    const int row = static_cast<int>(cell / kCols);
    const int col = static_cast<int>(cell % kCols);
    if (!spans.empty() && spans.back().row == row && spans.back().col_hi + 1 == col) {
      spans.back().col_hi = col;
    } else {
      spans.push_back({row, col, col});
    }
  }
  return spans;
}

}  // namespace muster

// Range-checked numbers on the musterctl command line. CLI11 converts
// integers with strtoll in base 0 and saturates on overflow, so "010" would
// be 8, "0x10" 16 and "99999999999999999999" the largest int64; these
// validators run on the text first and refuse anything but a plain decimal
// number inside the option's range, naming the value and the range. Every
// numeric option of musterctl carries one. Pure; thread-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace muster::client {

// The largest id the daemon hands out (SQLite rowids are int64).
inline constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

// Why `text` is not a decimal whole number in [min, max], or "" if it is.
// Accepts an optional '-' (when min < 0) and digits, nothing else.
std::string CheckWholeNumber(std::string_view text, int64_t min, int64_t max);

// Why `text` is not a finite decimal number in (min_exclusive, max], or ""
// if it is ("1.5", "12", "1e3"; not "nan", "inf" or "0x1p3").
std::string CheckNumber(std::string_view text, double min_exclusive, double max);

// CLI11 validators wrapping the two checks (message "'TEXT' is ...").
CLI::Validator WholeNumberIn(int64_t min, int64_t max);
CLI::Validator NumberIn(double min_exclusive, double max);
// Any finite decimal number ("'TEXT' is not a finite number"), for values
// whose range the daemon checks (--radius).
CLI::Validator FiniteNumber();

}  // namespace muster::client

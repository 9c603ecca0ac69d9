#include "number_flags.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace muster::client {

std::string CheckWholeNumber(std::string_view text, int64_t min, int64_t max) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-' && min < 0) digits.remove_prefix(1);
  bool plain = !digits.empty();
  for (char c : digits) plain = plain && c >= '0' && c <= '9';
  const std::string range = fmt::format("[{}, {}]", min, max);
  if (!plain) return fmt::format("'{}' is not a whole number in {}", text, range);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return fmt::format("'{}' is out of range {}", text, range);
  }
  return {};
}

std::string CheckNumber(std::string_view text, double min_exclusive, double max) {
  // Decimal notation only: from_chars(general) takes no "0x", and the
  // checks below refuse nan and inf.
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  const std::string range = fmt::format("({:g}, {:g}]", min_exclusive, max);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size() ||
      (ec == std::errc() && !std::isfinite(value))) {
    return fmt::format("'{}' is not a number in {}", text, range);
  }
  if (ec != std::errc() || !(value > min_exclusive && value <= max)) {
    return fmt::format("'{}' is out of range {}", text, range);
  }
  return {};
}

CLI::Validator WholeNumberIn(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        std::string why = CheckWholeNumber(text, min, max);
        if (why.empty()) {
          // CLI11 converts with base 0 after the check: "010" would become 8.
          // Hand it the number in canonical decimal instead.
          int64_t value = 0;
          std::from_chars(text.data(), text.data() + text.size(), value);
          text = std::to_string(value);
        }
        return why;
      },
      fmt::format("INT in [{}, {}]", min, max), "WholeNumberIn");
}

CLI::Validator NumberIn(double min_exclusive, double max) {
  return CLI::Validator(
      [min_exclusive, max](std::string& text) { return CheckNumber(text, min_exclusive, max); },
      fmt::format("NUMBER in ({:g}, {:g}]", min_exclusive, max), "NumberIn");
}

CLI::Validator FiniteNumber() {
  return CLI::Validator(
      [](std::string& text) {
        double value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value,
                                         std::chars_format::general);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
            !std::isfinite(value)) {
          return fmt::format("'{}' is not a finite number", text);
        }
        return std::string();
      },
      "NUMBER", "FiniteNumber");
}

}  // namespace muster::client

#include "output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

namespace muster::client {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offset after the first `n` code points of text.
size_t PrefixBytes(std::string_view text, size_t n) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if (!IsContinuationByte(text[i]) && seen++ == n) break;
  }
  return i;
}

void AppendPadded(std::string_view text, size_t width, Align align, bool last, std::string* out) {
  size_t w = DisplayWidth(text);
  size_t pad = width > w ? width - w : 0;
  if (align == Align::kRight) out->append(pad, ' ');
  out->append(text);
  if (align == Align::kLeft && !last) out->append(pad, ' ');
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

std::string CellText(std::string_view text, size_t max_width) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  if (max_width > 0 && DisplayWidth(out) > max_width) {
    out.resize(PrefixBytes(out, max_width > 1 ? max_width - 1 : 0));
    out += "…";
  }
  return out;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (size_t i = 0; i < cells.size(); ++i) cells[i] = CellText(cells[i], columns_[i].max_width);
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    widths[i] = DisplayWidth(columns_[i].header);
    for (const auto& row : rows_) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  auto render_line = [&](auto cell_at) {
    size_t start = out.size();
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out += "  ";
      AppendPadded(cell_at(i), widths[i], columns_[i].align, i + 1 == columns_.size(), &out);
    }
    while (out.size() > start && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  render_line([&](size_t i) -> std::string_view { return columns_[i].header; });
  for (const auto& row : rows_) {
    render_line([&](size_t i) -> std::string_view { return row[i]; });
  }
  return out;
}

std::string RenderDetails(std::span<const DetailRow> rows) {
  size_t width = 0;
  for (const DetailRow& row : rows) width = std::max(width, DisplayWidth(row.key));
  std::string out;
  for (const DetailRow& row : rows) {
    std::string key = row.key;
    if (row.values.empty()) {
      AppendPadded(key, width, Align::kLeft, false, &out);
      out += "  -\n";
      continue;
    }
    for (const std::string& value : row.values) {
      AppendPadded(key, width, Align::kLeft, false, &out);
      out += "  ";
      out += CellText(value);
      out += '\n';
      key.clear();
    }
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{}";  // only for messages with invalid UTF-8 text
  return json;
}

std::string GroupThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace muster::client

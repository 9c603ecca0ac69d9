// Printing results: aligned plain-text tables and detail views for people,
// one-line JSON documents for scripts.
//
// Tables have a header row in capitals, columns separated by two spaces, no
// borders and no trailing spaces. Widths count UTF-8 code points, so names
// with accents stay aligned. Control characters (e.g. a newline inside a
// name) are shown as spaces so a row always stays on one line.
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace muster::client {

enum class OutputFormat {
  kTable,  // for people (default)
  kJson,   // for scripts
};

enum class Align { kLeft, kRight };

struct TableColumn {
  std::string header;
  Align align = Align::kLeft;
  // Cells wider than this (in code points) are cut and end in "…"; 0 means
  // no limit. Default 0.
  size_t max_width = 0;
};

// Collects rows, then renders them. Not thread-safe.
class Table {
 public:
  explicit Table(std::vector<TableColumn> columns) : columns_(std::move(columns)) {}

  // Missing cells are blank; extra cells are ignored.
  void AddRow(std::vector<std::string> cells);
  size_t size() const { return rows_.size(); }
  // The header and the rows, each line ending in '\n'.
  std::string Render() const;

 private:
  std::vector<TableColumn> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// A "key  value" view of one record; a key with several values prints them
// on consecutive lines, aligned under the first. Keys with no values print
// "-".
struct DetailRow {
  std::string key;
  std::vector<std::string> values;
};
std::string RenderDetails(std::span<const DetailRow> rows);

// Number of code points in UTF-8 text (bytes that are not continuation
// bytes); a fair display width for the Latin, Greek and Cyrillic names of a
// UK roster.
size_t DisplayWidth(std::string_view text);

// `text` with control characters replaced by spaces, cut to `max_width` code
// points (ending in "…") when max_width > 0.
std::string CellText(std::string_view text, size_t max_width = 0);

// The message in the proto3 JSON mapping on one line, without a trailing
// newline: field names as in the .proto (snake_case), enums by name, every
// field present even when empty, int64 values as strings (as the mapping
// requires).
std::string ToJson(const google::protobuf::Message& message);

// 1234567 -> "1,234,567".
std::string GroupThousands(int64_t value);

}  // namespace muster::client

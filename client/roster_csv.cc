#include "roster_csv.h"

#include <fmt/format.h>

#include <array>

#include "core/text.h"
#include "roster_fields.h"

namespace muster::client {
namespace {

constexpr std::array<RosterColumn, 13> kColumns = {
    RosterColumn::kId,         RosterColumn::kExternalId, RosterColumn::kName,
    RosterColumn::kHomeArea,   RosterColumn::kStatus,     RosterColumn::kLat,
    RosterColumn::kLon,        RosterColumn::kPostcode,   RosterColumn::kMaxTravelKm,
    RosterColumn::kChannels,   RosterColumn::kSkills,     RosterColumn::kAvailability,
    RosterColumn::kUnavailable};

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Spreadsheets take a cell that starts with one of these as a formula
// (OWASP's list for CSV injection: = + - @ tab CR).
bool IsFormulaLead(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// True for text that is zero or more apostrophes and then a formula lead:
// export writes such free text with one more apostrophe in front, and import
// takes exactly one away again, so the two are inverse for every value.
bool NeedsFormulaGuard(std::string_view text) {
  size_t first = text.find_first_not_of('\'');
  return first != std::string_view::npos && IsFormulaLead(text[first]);
}

// A free-text cell as read: the export's guard apostrophe removed.
std::string_view UnguardedText(std::string_view cell) {
  if (!cell.empty() && cell.front() == '\'' && NeedsFormulaGuard(cell.substr(1))) {
    cell.remove_prefix(1);
  }
  return cell;
}

// Appends free text as a CSV field, guarded against formula injection.
void AppendTextField(std::string_view text, std::string* scratch, std::string* out) {
  if (!NeedsFormulaGuard(text)) return AppendCsvField(text, out);
  scratch->assign(1, '\'');
  scratch->append(text);
  AppendCsvField(*scratch, out);
}

// Parses a number cell; an empty cell gives `if_empty`, or an error when
// if_empty is null.
Status DecodeNumber(std::string_view cell, const double* if_empty, double* out) {
  if (TrimBlanks(cell).empty()) {
    if (if_empty == nullptr) return Status::InvalidArgument("", "is empty (a number is required)");
    *out = *if_empty;
    return Status::Ok();
  }
  return ParseNumber(cell, out);
}

// Parses each item of a list cell with parse(item, list), naming errors
// "<column>[i].<part>".
template <typename Message, typename Parse>
Status DecodeList(std::string_view column, std::string_view cell,
                  google::protobuf::RepeatedPtrField<Message>* list, Parse parse) {
  ListItemReader items(cell);
  for (std::string_view item; items.Next(&item);) {
    Status s = parse(item, list);
    if (!s.ok()) return s.WithFieldPrefix(fmt::format("{}[{}]", column, items.count() - 1));
  }
  if (items.status().ok()) return Status::Ok();
  return items.status().WithFieldPrefix(std::string(column));
}

Status DecodeListCell(RosterColumn column, std::string_view cell, v1::Reservist* out) {
  std::string_view name = RosterColumnName(column);
  switch (column) {
    case RosterColumn::kChannels:
      return DecodeList(name, cell, out->mutable_channels(), [](std::string_view item, auto* list) {
        return ParseChannel(item, list->Add());
      });
    case RosterColumn::kSkills:
      return DecodeList(name, cell, out->mutable_skills(), [](std::string_view item, auto* list) {
        return ParseSkillHolding(item, list->Add());
      });
    case RosterColumn::kAvailability:
      return DecodeList(
          name, cell, out->mutable_availability(),
          [](std::string_view item, auto* list) { return ParseWeeklyWindows(item, list); });
    default:
      return DecodeList(
          name, cell, out->mutable_unavailable(),
          [](std::string_view item, auto* list) { return ParseUnavailability(item, list->Add()); });
  }
}

// Cells a spreadsheet could take for a formula: the free text ones. Numbers
// (lat -2.15) and lists (which start with a kind, a code, a day or a date)
// are left as they are.
bool IsFreeTextColumn(RosterColumn column) {
  return column == RosterColumn::kExternalId || column == RosterColumn::kName ||
         column == RosterColumn::kHomeArea || column == RosterColumn::kPostcode;
}

// Decodes a scalar cell; errors have an empty field (the caller names it).
Status DecodeScalarCell(RosterColumn column, std::string_view cell, v1::Reservist* out) {
  static constexpr double kNoMaxTravel = 0;  // 0 = the daemon's default
  double number = 0;
  if (IsFreeTextColumn(column)) cell = UnguardedText(cell);
  switch (column) {
    case RosterColumn::kExternalId:
      out->set_external_id(cell.data(), cell.size());
      return Status::Ok();
    case RosterColumn::kName:
      out->set_name(cell.data(), cell.size());
      return Status::Ok();
    case RosterColumn::kHomeArea:
      cell = TrimBlanks(cell);
      out->set_home_area(cell.data(), cell.size());
      return Status::Ok();
    case RosterColumn::kPostcode:
      out->set_postcode(cell.data(), cell.size());
      return Status::Ok();
    case RosterColumn::kStatus: {
      v1::ReservistStatus status = v1::RESERVIST_STATUS_UNSPECIFIED;
      MUSTER_RETURN_IF_ERROR(ParseReservistStatus(cell, &status));
      out->set_status(status);
      return Status::Ok();
    }
    case RosterColumn::kLat:
      MUSTER_RETURN_IF_ERROR(DecodeNumber(cell, nullptr, &number));
      out->set_lat(number);
      return Status::Ok();
    case RosterColumn::kLon:
      MUSTER_RETURN_IF_ERROR(DecodeNumber(cell, nullptr, &number));
      out->set_lon(number);
      return Status::Ok();
    case RosterColumn::kMaxTravelKm:
      MUSTER_RETURN_IF_ERROR(DecodeNumber(cell, &kNoMaxTravel, &number));
      out->set_max_travel_km(number);
      return Status::Ok();
    default:
      return Status::Ok();  // kId: informational; the daemon assigns ids
  }
}

bool IsListColumn(RosterColumn column) {
  return column == RosterColumn::kChannels || column == RosterColumn::kSkills ||
         column == RosterColumn::kAvailability || column == RosterColumn::kUnavailable;
}

Status CheckUtf8(std::string_view cell) {
  size_t bad = 0;
  if (IsValidUtf8(cell, &bad)) return Status::Ok();
  return Status::InvalidArgument(
      "", fmt::format("is not valid UTF-8 (byte {} of the cell); save the file as UTF-8", bad + 1));
}

}  // namespace

std::string_view RosterColumnName(RosterColumn column) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "id",       "external_id",   "name",     "home_area", "status",       "lat",        "lon",
      "postcode", "max_travel_km", "channels", "skills",    "availability", "unavailable"};
  return kNames[static_cast<size_t>(column)];
}

bool IsRequiredRosterColumn(RosterColumn column) {
  return column == RosterColumn::kName || column == RosterColumn::kHomeArea ||
         column == RosterColumn::kLat || column == RosterColumn::kLon ||
         column == RosterColumn::kChannels;
}

Status DecodeRosterRecord(std::span<const RosterColumn> columns,
                          std::span<const std::string_view> cells, v1::Reservist* out) {
  for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    RosterColumn column = columns[i];
    std::string_view cell = cells[i];
    Status s = CheckUtf8(cell);
    if (s.ok()) {
      s = IsListColumn(column) ? DecodeListCell(column, cell, out)
                               : DecodeScalarCell(column, cell, out);
    }
    // List errors are already named "skills[1].level"; scalar ones get the
    // column's name.
    if (!s.ok()) {
      bool named = IsListColumn(column) && !s.field().empty();
      return named ? s : s.WithFieldPrefix(std::string(RosterColumnName(column)));
    }
  }
  return Status::Ok();
}

// --- reader --------------------------------------------------------------

Result<std::unique_ptr<RosterCsvReader>> RosterCsvReader::Open(std::istream& in,
                                                               CsvReader::Options options) {
  std::unique_ptr<RosterCsvReader> reader(new RosterCsvReader(in, options));
  MUSTER_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

namespace {

// Maps a header name to its column; false if unknown.
bool ColumnByName(std::string_view header, RosterColumn* out) {
  std::string name = Lowered(TrimBlanks(header));
  for (RosterColumn column : kColumns) {
    if (RosterColumnName(column) == name) {
      *out = column;
      return true;
    }
  }
  return false;
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", n);
  return out;
}

}  // namespace

Status RosterCsvReader::ReadHeader() {
  CsvReader::Outcome outcome = csv_.Next();
  auto header_error = [&](const std::string& message) {
    return Status::InvalidArgument("header", fmt::format("line {}: {}", csv_.line(), message));
  };
  if (outcome == CsvReader::Outcome::kEnd) {
    return Status::InvalidArgument("header", "the input is empty (expected a header row)");
  }
  if (outcome == CsvReader::Outcome::kError) return header_error(csv_.error());
  std::vector<std::string> unknown, duplicate, missing;
  std::array<bool, kColumns.size()> seen{};
  for (std::string_view name : csv_.fields()) {
    RosterColumn column;
    if (!ColumnByName(name, &column)) {
      unknown.emplace_back(name);
      continue;
    }
    if (seen[static_cast<size_t>(column)]) duplicate.emplace_back(RosterColumnName(column));
    seen[static_cast<size_t>(column)] = true;
    columns_.push_back(column);
  }
  for (RosterColumn column : kColumns) {
    if (IsRequiredRosterColumn(column) && !seen[static_cast<size_t>(column)]) {
      missing.emplace_back(RosterColumnName(column));
    }
  }
  std::vector<std::string> problems;
  if (!unknown.empty()) problems.push_back("unknown column(s) " + QuotedList(unknown));
  if (!duplicate.empty()) problems.push_back("duplicate column(s) " + QuotedList(duplicate));
  if (!missing.empty()) problems.push_back("missing required column(s) " + QuotedList(missing));
  if (problems.empty()) return Status::Ok();
  return header_error(fmt::format("{} (see docs/roster-csv.md)", fmt::join(problems, "; ")));
}

RosterCsvReader::Outcome RosterCsvReader::Next(v1::ImportRow* row, v1::RowError* error) {
  CsvReader::Outcome outcome = csv_.Next();
  if (outcome == CsvReader::Outcome::kEnd) return Outcome::kEnd;
  error->Clear();
  error->set_line(csv_.line());
  if (outcome == CsvReader::Outcome::kError) {
    error->set_message(csv_.error());
    return Outcome::kError;
  }
  const std::vector<std::string_view>& cells = csv_.fields();
  if (cells.size() != columns_.size()) {
    error->set_message(fmt::format("expected {} fields (as in the header), found {}",
                                   columns_.size(), cells.size()));
    return Outcome::kError;
  }
  // Clear the reservist rather than the row: ImportRow::Clear() would free
  // the reservist, while Reservist::Clear() keeps its strings' and lists'
  // memory for reuse (the import recycles rows; see roster_import.cc).
  row->set_line(csv_.line());
  row->mutable_reservist()->Clear();
  Status s = DecodeRosterRecord(columns_, cells, row->mutable_reservist());
  if (s.ok()) return Outcome::kRow;
  error->set_field(s.field());
  error->set_message(s.message());
  return Outcome::kError;
}

// --- writer --------------------------------------------------------------

std::string RosterCsvHeader(const RosterCsvWriteOptions& options) {
  std::string out;
  for (RosterColumn column : kColumns) {
    if (column == RosterColumn::kId && !options.include_id) continue;
    if (!out.empty()) out.push_back(',');
    out.append(RosterColumnName(column));
  }
  out.push_back('\n');
  return out;
}

namespace {

// Appends the items of a repeated field as one escaped, ';'-separated cell.
template <typename Message, typename Append>
void AppendListCell(const google::protobuf::RepeatedPtrField<Message>& list, Append append,
                    std::string* item, std::string* cell, std::string* out) {
  cell->clear();
  for (const Message& m : list) {
    item->clear();
    append(m, item);
    if (!cell->empty()) cell->push_back(';');
    AppendListItem(*item, cell);
  }
  AppendCsvField(*cell, out);
}

}  // namespace

void AppendRosterCsvRecord(const v1::Reservist& r, const RosterCsvWriteOptions& options,
                           std::string* out) {
  std::string item, cell;
  if (options.include_id) {
    if (r.id() != 0) out->append(std::to_string(r.id()));
    out->push_back(',');
  }
  AppendTextField(r.external_id(), &cell, out);
  out->push_back(',');
  AppendTextField(r.name(), &cell, out);
  out->push_back(',');
  AppendTextField(r.home_area(), &cell, out);
  out->push_back(',');
  out->append(ReservistStatusName(r.status()));
  out->push_back(',');
  AppendNumber(r.lat(), out);
  out->push_back(',');
  AppendNumber(r.lon(), out);
  out->push_back(',');
  AppendTextField(r.postcode(), &cell, out);
  out->push_back(',');
  if (r.max_travel_km() != 0) AppendNumber(r.max_travel_km(), out);
  out->push_back(',');
  AppendListCell(r.channels(), AppendChannel, &item, &cell, out);
  out->push_back(',');
  AppendListCell(r.skills(), AppendSkillHolding, &item, &cell, out);
  out->push_back(',');
  AppendListCell(r.availability(), AppendWeeklyWindow, &item, &cell, out);
  out->push_back(',');
  AppendListCell(r.unavailable(), AppendUnavailability, &item, &cell, out);
  out->push_back('\n');
}

std::string FormatRosterCsvRecord(const v1::Reservist& reservist,
                                  const RosterCsvWriteOptions& options) {
  std::string out;
  AppendRosterCsvRecord(reservist, options, &out);
  return out;
}

}  // namespace muster::client

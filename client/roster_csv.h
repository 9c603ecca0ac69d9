// The roster CSV format, specified in docs/roster-csv.md: a reader that turns
// a file into ImportRow messages for RosterService.ImportReservists, and a
// writer that turns Reservist messages into records. `musterctl roster
// import|export` and the benchmark generator both use it, so files written by
// one are read by the other.
//
// Columns (canonical order; * = required in an import file):
//   id, external_id, name*, home_area*, status, lat*, lon*, postcode,
//   max_travel_km, channels*, skills, availability, unavailable
// The id column is written by export for reference and ignored on import
// (ids are assigned by the daemon; rows are matched by external_id).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "csv_reader.h"
#include "muster/v1/roster.pb.h"

namespace muster::client {

enum class RosterColumn {
  kId,
  kExternalId,
  kName,
  kHomeArea,
  kStatus,
  kLat,
  kLon,
  kPostcode,
  kMaxTravelKm,
  kChannels,
  kSkills,
  kAvailability,
  kUnavailable,
};

// The header name, e.g. "max_travel_km".
std::string_view RosterColumnName(RosterColumn column);
// name, home_area, lat, lon and channels must be present in an import file.
bool IsRequiredRosterColumn(RosterColumn column);

// Decodes one record's cells into *out (which should be empty). cells[i]
// belongs to columns[i]; the sizes must match. Returns the first error, with
// the field named after the column ("lat", "skills[1].level").
Status DecodeRosterRecord(std::span<const RosterColumn> columns,
                          std::span<const std::string_view> cells, muster::v1::Reservist* out);

// Reads an import file. Not thread-safe; one thread drives it.
class RosterCsvReader {
 public:
  enum class Outcome {
    kRow,    // *row holds the next reservist
    kError,  // *error says why the record could not be parsed
    kEnd,    // no more records
  };

  // Reads the header row. Header names are matched ignoring case and
  // surrounding spaces, in any order. Fails (InvalidArgument, field "header",
  // message starting "line N: ") on an empty input, an unreadable header,
  // unknown columns (all named), duplicate columns, or missing required ones.
  static Result<std::unique_ptr<RosterCsvReader>> Open(std::istream& in,
                                                       CsvReader::Options options = {});

  // Reads the next record. kRow: *row is filled (its reservist cleared
  // first, keeping its memory for reuse), row->line() is the line where the
  // record starts. kError: *error is cleared and filled
  // with the line, the field at fault ("lat", "skills[0].level", or empty for
  // the whole record) and the reason, e.g. {17, "lat", "\"abc\" is not a
  // number"}. Reading continues after an error unless the CSV itself became
  // unreadable (then the error says "the rest of the input was not read").
  Outcome Next(muster::v1::ImportRow* row, muster::v1::RowError* error);

  // The columns, in file order.
  const std::vector<RosterColumn>& columns() const { return columns_; }
  // Input bytes consumed so far, including the header.
  int64_t bytes_consumed() const { return csv_.bytes_consumed(); }

 private:
  RosterCsvReader(std::istream& in, CsvReader::Options options) : csv_(in, options) {}
  Status ReadHeader();

  CsvReader csv_;
  std::vector<RosterColumn> columns_;
};

// Options for writing.
struct RosterCsvWriteOptions {
  // Write the id column first. Default true; false gives files that compare
  // equal across daemons (ids are daemon-assigned).
  bool include_id = true;
};

// The header row, e.g. "id,external_id,name,...,unavailable\n".
std::string RosterCsvHeader(const RosterCsvWriteOptions& options = {});
// One record for `reservist`, columns in canonical order, ending in "\n".
std::string FormatRosterCsvRecord(const muster::v1::Reservist& reservist,
                                  const RosterCsvWriteOptions& options = {});
// As FormatRosterCsvRecord, appending to *out (for writing many records
// without reallocating).
void AppendRosterCsvRecord(const muster::v1::Reservist& reservist,
                           const RosterCsvWriteOptions& options, std::string* out);

}  // namespace muster::client

// Fuzz target: the roster CSV reader (client/csv_reader.h) and row parser
// (client/roster_csv.h), as `musterctl roster import` runs them.
//
// The first input byte picks the reader's block size (1..64 bytes, so that
// records and quotes straddle refills); the rest is the file. Properties:
// - CsvReader: every record, written back with AppendCsvField and read again,
//   gives the same fields; line numbers never go backwards; after a fatal
//   error only kEnd follows.
// - RosterCsvReader: every row it accepts, written by FormatRosterCsvRecord
//   (what `roster export` writes) and imported again, is the same reservist
//   (docs/roster-csv.md: "whatever export writes, import reads back to the
//   same reservists"); every error names a line.
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "csv_reader.h"
#include "fuzz/fuzz_check.h"
#include "roster_csv.h"

namespace {

using muster::client::CsvReader;
using muster::client::RosterCsvReader;

constexpr size_t kMaxRecordBytes = 4096;

void CheckCsvRecords(std::string_view text, size_t block) {
  std::istringstream in{std::string(text)};
  CsvReader reader(in, {.block_size = block, .max_record_bytes = kMaxRecordBytes});
  int64_t last_line = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    CsvReader::Outcome outcome = reader.Next();
    if (outcome == CsvReader::Outcome::kEnd) {
      FUZZ_CHECK(reader.Next() == CsvReader::Outcome::kEnd, "kEnd stays kEnd");
      return;
    }
    FUZZ_CHECK(reader.line() >= last_line && reader.line() >= 1, "line numbers go forwards");
    last_line = reader.line();
    if (outcome == CsvReader::Outcome::kError) {
      FUZZ_CHECK(!reader.error().empty(), "an error says what is wrong");
      if (reader.fatal()) {
        FUZZ_CHECK(reader.Next() == CsvReader::Outcome::kEnd, "nothing after a fatal error");
        return;
      }
      continue;
    }
    std::vector<std::string> fields(reader.fields().begin(), reader.fields().end());
    FUZZ_CHECK(!fields.empty(), "a record has a field");
    if (fields.size() == 1 && fields[0].empty()) continue;  // would be written as an empty line
    // A first line "x" keeps a leading byte order mark in the record as data.
    std::string written = "x\n";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) written += ',';
      muster::client::AppendCsvField(fields[i], &written);
    }
    written += '\n';
    std::istringstream again_in(written);
    CsvReader again(again_in, {.block_size = 7, .max_record_bytes = 1 << 20});
    FUZZ_CHECK(again.Next() == CsvReader::Outcome::kRecord, "the first line reads");
    FUZZ_CHECK(again.Next() == CsvReader::Outcome::kRecord, "a written record reads back");
    std::vector<std::string> back(again.fields().begin(), again.fields().end());
    FUZZ_CHECK(back == fields, "a written record reads back to the same fields");
    FUZZ_CHECK(again.Next() == CsvReader::Outcome::kEnd, "one record written, one read");
  }
}

void CheckRosterRows(std::string_view text, size_t block) {
  std::istringstream in{std::string(text)};
  auto reader =
      RosterCsvReader::Open(in, {.block_size = block, .max_record_bytes = kMaxRecordBytes});
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().field() == "header", "a header error names the header");
    return;
  }
  muster::v1::ImportRow row;
  muster::v1::RowError error;
  for (int guard = 0; guard < 100000; ++guard) {
    auto outcome = (*reader)->Next(&row, &error);
    if (outcome == RosterCsvReader::Outcome::kEnd) return;
    if (outcome == RosterCsvReader::Outcome::kError) {
      FUZZ_CHECK(error.line() >= 1, "a row error names its line");
      FUZZ_CHECK(!error.message().empty(), "a row error says why");
      continue;
    }
    muster::client::RosterCsvWriteOptions options{.include_id = false};
    std::string exported = muster::client::RosterCsvHeader(options) +
                           muster::client::FormatRosterCsvRecord(row.reservist(), options);
    std::istringstream again_in(exported);
    auto again = RosterCsvReader::Open(again_in);
    FUZZ_CHECK(again.ok(), "the export header reads");
    muster::v1::ImportRow back;
    muster::v1::RowError back_error;
    auto back_outcome = (*again)->Next(&back, &back_error);
    if (back_outcome != RosterCsvReader::Outcome::kRow) {
      std::fprintf(stderr, "exported:\n%s\nerror: %s: %s\n", exported.c_str(),
                   back_error.field().c_str(), back_error.message().c_str());
    }
    FUZZ_CHECK(back_outcome == RosterCsvReader::Outcome::kRow, "an exported row imports");
    muster::v1::Reservist expected = row.reservist();
    expected.clear_id();  // not written with include_id = false, ignored on import anyway
    bool same = google::protobuf::util::MessageDifferencer::Equals(back.reservist(), expected);
    if (!same) {
      std::fprintf(stderr, "exported:\n%s\nfirst:  %s\nsecond: %s\n", exported.c_str(),
                   expected.ShortDebugString().c_str(),
                   back.reservist().ShortDebugString().c_str());
    }
    FUZZ_CHECK(same, "an exported row imports as the same reservist");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  size_t block = 1 + data[0] % 64;
  std::string_view text = muster::fuzz::AsText(data + 1, size - 1);
  CheckCsvRecords(text, block);
  CheckRosterRows(text, block);
  return 0;
}

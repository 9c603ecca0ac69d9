// A fast streaming reader of RFC 4180 CSV records, and the matching field
// quoting for writers.
//
// Reading rules (docs/roster-csv.md):
// - Records end at LF or CRLF (a CR not followed by LF is data); the last
//   record may lack a line end. Completely empty lines are skipped.
// - A field starting with '"' is quoted: it ends at the next '"' not doubled,
//   may hold ',', CR and LF, and "" inside it is one '"'. After the closing
//   quote only ',' or a line end may follow.
// - A '"' inside an unquoted field is taken literally (lenient, like most
//   spreadsheets' readers).
// - A UTF-8 byte order mark at the start of the input is skipped.
// Encoding is not checked here (see IsValidUtf8 in core/text.h).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace muster::client {

// Reads records from a std::istream in large blocks. Not thread-safe. The
// views returned by fields() stay valid until the next call to Next().
class CsvReader {
 public:
  struct Options {
    // Bytes read from the stream per refill. Default 1 MiB.
    size_t block_size = 1 << 20;
    // A record longer than this (usually a missing closing quote swallowing
    // the rest of the file) stops the reader with a fatal error. Default 1 MiB.
    size_t max_record_bytes = 1 << 20;
  };

  enum class Outcome {
    kRecord,  // fields() holds the record
    kError,   // error() says what is wrong with the record starting at line()
    kEnd,     // no more records
  };

  explicit CsvReader(std::istream& in) : CsvReader(in, Options()) {}
  CsvReader(std::istream& in, Options options);

  // Reads the next record. After a non-fatal kError the reader has skipped
  // the bad record and the next call continues after it. After a fatal error
  // (unterminated quote at the end of input, an over-long record, a stream
  // read error) every later call returns kEnd.
  Outcome Next();

  const std::vector<std::string_view>& fields() const { return fields_; }
  // 1-based line on which the current record (or error) starts.
  int64_t line() const { return record_line_; }
  // Why the last Next() returned kError, e.g. "field 3: unexpected \"x\"
  // after a closing quote".
  const std::string& error() const { return error_; }
  bool fatal() const { return fatal_; }
  // Input bytes consumed so far (for progress reporting).
  int64_t bytes_consumed() const { return base_offset_ + static_cast<int64_t>(pos_); }

 private:
  enum class Scan { kComplete, kIncomplete, kBadQuote, kUnterminated };

  Scan ScanRecord(size_t* next, size_t* newlines);
  Scan ScanQuoted(size_t* p, size_t* newlines);
  Scan ScanUnquoted(size_t* p);
  bool Start();
  bool Refill();
  void FinishFields();
  Outcome Fail(std::string message, bool fatal);

  struct FieldSpan {
    size_t begin = 0;
    size_t end = 0;
    bool doubled_quotes = false;  // a quoted field holding "" to unescape
  };

  std::istream& in_;
  Options options_;
  std::string buffer_;
  size_t pos_ = 0;           // start of unconsumed bytes in buffer_
  size_t end_ = 0;           // end of valid bytes in buffer_
  int64_t base_offset_ = 0;  // input offset of buffer_[0]
  bool eof_ = false;
  bool started_ = false;
  bool fatal_ = false;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
  size_t bad_field_ = 0;  // 1-based field index of a kBadQuote
  std::vector<FieldSpan> spans_;
  std::vector<std::string_view> fields_;
  std::string error_;
};

// Appends `field` to `out`, quoted per RFC 4180 if it contains ',', '"', CR
// or LF, unquoted otherwise.
void AppendCsvField(std::string_view field, std::string* out);

}  // namespace muster::client

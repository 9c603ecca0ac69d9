#include "csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace muster::client {

CsvReader::CsvReader(std::istream& in, Options options) : in_(in), options_(options) {
  spans_.reserve(32);
  fields_.reserve(32);
}

bool CsvReader::Refill() {
  if (eof_) return true;
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    base_offset_ += static_cast<int64_t>(pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (buffer_.size() < end_ + options_.block_size) buffer_.resize(end_ + options_.block_size);
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(options_.block_size));
  size_t got = static_cast<size_t>(in_.gcount());
  end_ += got;
  if (!in_) {
    eof_ = true;
    return !in_.bad();
  }
  return true;
}

// Scans a quoted field whose opening quote is just before *p. On kComplete,
// *p is just past the closing quote.
CsvReader::Scan CsvReader::ScanQuoted(size_t* p, size_t* newlines) {
  const char* b = buffer_.data();
  FieldSpan span{*p, *p, false};
  for (size_t at = *p;;) {
    const void* q = std::memchr(b + at, '"', end_ - at);
    if (q == nullptr) return eof_ ? Scan::kUnterminated : Scan::kIncomplete;
    size_t qi = static_cast<size_t>(static_cast<const char*>(q) - b);
    *newlines += static_cast<size_t>(std::count(b + at, b + qi, '\n'));
    if (qi + 1 == end_ && !eof_) return Scan::kIncomplete;
    if (qi + 1 < end_ && b[qi + 1] == '"') {
      span.doubled_quotes = true;
      at = qi + 2;
      continue;
    }
    span.end = qi;
    *p = qi + 1;
    spans_.push_back(span);
    return Scan::kComplete;
  }
}

// Scans an unquoted field starting at *p; on kComplete *p is at the
// delimiter (or the end of the input).
CsvReader::Scan CsvReader::ScanUnquoted(size_t* p) {
  const char* b = buffer_.data();
  size_t begin = *p;
  size_t at = *p;
  for (;;) {
    while (at < end_ && b[at] != ',' && b[at] != '\n' && b[at] != '\r') ++at;
    if (at + 1 >= end_ && !eof_) return Scan::kIncomplete;  // may need the byte after
    if (at + 1 < end_ && b[at] == '\r' && b[at + 1] != '\n') {
      ++at;  // a lone CR is data (but one ending the input ends the record)
      continue;
    }
    break;
  }
  spans_.push_back({begin, at, false});
  *p = at;
  return Scan::kComplete;
}

// Finds the end of the record starting at pos_ and the fields in it,
// without changing the buffer (an incomplete record is scanned again after a
// refill). *next is where the following record starts.
CsvReader::Scan CsvReader::ScanRecord(size_t* next, size_t* newlines) {
  spans_.clear();
  *newlines = 0;
  const char* b = buffer_.data();
  for (size_t p = pos_;; ++p) {  // ++p: past the ',' after a field
    bool quoted = p < end_ && b[p] == '"';
    if (quoted) ++p;  // past the opening quote
    Scan s = quoted ? ScanQuoted(&p, newlines) : ScanUnquoted(&p);
    if (s != Scan::kComplete) return s;
    // p is at the delimiter after the field.
    if (p < end_ && b[p] == ',') continue;
    bool crlf = p + 1 < end_ && b[p] == '\r' && b[p + 1] == '\n';
    bool last_cr = p + 1 == end_ && b[p] == '\r';  // CR as the very last byte
    if (p == end_ || last_cr) {
      if (!eof_) return Scan::kIncomplete;
      *next = end_;
      return Scan::kComplete;
    }
    if (b[p] == '\n' || crlf) {
      *next = p + (crlf ? 2 : 1);
      return Scan::kComplete;
    }
    // Text after a closing quote: skip the rest of the line.
    bad_field_ = spans_.size();
    const void* nl = std::memchr(b + p, '\n', end_ - p);
    if (nl == nullptr && !eof_) return Scan::kIncomplete;
    *next = nl == nullptr ? end_ : static_cast<size_t>(static_cast<const char*>(nl) - b) + 1;
    return Scan::kBadQuote;
  }
}

// Unescapes doubled quotes in place (the record is complete, so it is never
// scanned again) and fills fields_.
void CsvReader::FinishFields() {
  fields_.clear();
  char* b = buffer_.data();
  for (const FieldSpan& span : spans_) {
    size_t w = span.end;
    if (span.doubled_quotes) {
      w = span.begin;
      for (size_t r = span.begin; r < span.end; ++r) {
        b[w++] = b[r];
        if (b[r] == '"') ++r;  // skip the second quote of a pair
      }
    }
    fields_.emplace_back(b + span.begin, w - span.begin);
  }
}

CsvReader::Outcome CsvReader::Fail(std::string message, bool fatal) {
  error_ = std::move(message);
  fatal_ = fatal;
  fields_.clear();
  return Outcome::kError;
}

// Reads the first block (at least enough to see a byte order mark).
bool CsvReader::Start() {
  started_ = true;
  do {
    if (!Refill()) return false;
  } while (end_ < 3 && !eof_);
  if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  return true;
}

CsvReader::Outcome CsvReader::Next() {
  if (fatal_) return Outcome::kEnd;
  if (!started_ && !Start()) return Fail("cannot read the input", true);
  for (;;) {
    if (pos_ == end_ && eof_) return Outcome::kEnd;
    size_t next = 0, newlines = 0;
    Scan scan = pos_ == end_ ? Scan::kIncomplete : ScanRecord(&next, &newlines);
    record_line_ = next_line_;
    if (scan == Scan::kIncomplete) {
      if (end_ - pos_ > options_.max_record_bytes) {
        return Fail(fmt::format("record is longer than {} bytes (a missing closing quote?); "
                                "the rest of the input was not read",
                                options_.max_record_bytes),
                    true);
      }
      if (!Refill()) return Fail("cannot read the input", true);
      continue;
    }
    if (scan == Scan::kUnterminated) {
      return Fail("quoted field has no closing quote; the rest of the input was not read", true);
    }
    next_line_ += 1 + static_cast<int64_t>(newlines);
    size_t start = pos_;
    pos_ = next;
    if (scan == Scan::kBadQuote) {
      return Fail(fmt::format("field {}: text after the closing quote (a quote inside a quoted "
                              "field must be doubled: \"\")",
                              bad_field_),
                  false);
    }
    bool blank_line = spans_.size() == 1 && spans_[0].begin == start && spans_[0].end == start;
    if (blank_line) continue;
    FinishFields();
    return Outcome::kRecord;
  }
}

void AppendCsvField(std::string_view field, std::string* out) {
  bool quote = false;
  for (char c : field) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace muster::client

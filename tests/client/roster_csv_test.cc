#include "roster_csv.h"

#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <sstream>

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

constexpr const char* kHeader =
    "external_id,name,home_area,status,lat,lon,postcode,max_travel_km,channels,skills,"
    "availability,unavailable\n";

// Reads every record of `csv`; rows and errors in file order.
struct ReadResult {
  Status open;
  std::vector<v1::ImportRow> rows;
  std::vector<v1::RowError> errors;
  std::vector<std::string> error_texts;  // "line N: field: message"
};

ReadResult ReadCsv(const std::string& csv) {
  std::istringstream in(csv);
  ReadResult result;
  auto reader = RosterCsvReader::Open(in);
  if (!reader.ok()) {
    result.open = reader.status();
    return result;
  }
  v1::ImportRow row;
  v1::RowError error;
  for (;;) {
    auto outcome = (*reader)->Next(&row, &error);
    if (outcome == RosterCsvReader::Outcome::kEnd) break;
    if (outcome == RosterCsvReader::Outcome::kRow) {
      result.rows.push_back(row);
    } else {
      result.errors.push_back(error);
      std::string text = "line " + std::to_string(error.line()) + ": ";
      if (!error.field().empty()) text += error.field() + ": ";
      result.error_texts.push_back(text + error.message());
    }
  }
  return result;
}

// The single error of a file with the header and one record.
std::string OneError(const std::string& record) {
  ReadResult r = ReadCsv(std::string(kHeader) + record + "\n");
  REQUIRE(r.open.ok());
  REQUIRE(r.error_texts.size() == 1);
  return r.error_texts[0];
}

const char* kGood =
    "GLO-1,Jo Bloggs,gloucestershire,active,51.99,-2.16,GL20 5AA,40,"
    "sms:+447700900123;email:jo@example.org,first_aid:2:2027-03-31:St John;driver_4x4:1,"
    "mon 08:00-18:00;fri 22:00-06:00,2026-12-24..2026-12-27:Christmas";

TEST_CASE("Roster CSV parses every field", "[roster_csv]") {
  ReadResult r = ReadCsv(std::string(kHeader) + kGood + "\n");
  REQUIRE(r.open.ok());
  REQUIRE(r.errors.empty());
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].line() == 2);
  const v1::Reservist& p = r.rows[0].reservist();
  CHECK(p.id() == 0);
  CHECK(p.external_id() == "GLO-1");
  CHECK(p.name() == "Jo Bloggs");
  CHECK(p.home_area() == "gloucestershire");
  CHECK(p.status() == v1::ACTIVE);
  CHECK(p.lat() == 51.99);
  CHECK(p.lon() == -2.16);
  CHECK(p.postcode() == "GL20 5AA");
  CHECK(p.max_travel_km() == 40);
  REQUIRE(p.channels_size() == 2);
  CHECK(p.channels(0).kind() == v1::ContactChannel::SMS);
  CHECK(p.channels(0).address() == "+447700900123");
  CHECK(p.channels(1).kind() == v1::ContactChannel::EMAIL);
  REQUIRE(p.skills_size() == 2);
  CHECK(p.skills(0).skill() == "first_aid");
  CHECK(p.skills(0).level() == 2);
  CHECK(p.skills(0).cert_expires() == "2027-03-31");
  CHECK(p.skills(0).cert_issuer() == "St John");
  CHECK(p.skills(1).skill() == "driver_4x4");
  REQUIRE(p.availability_size() == 2);
  CHECK(p.availability(1).day() == v1::FRIDAY);
  CHECK(p.availability(1).start() == "22:00");
  CHECK(p.availability(1).end() == "06:00");
  REQUIRE(p.unavailable_size() == 1);
  CHECK(p.unavailable(0).reason() == "Christmas");
}

TEST_CASE("Roster CSV empty cells mean not set", "[roster_csv]") {
  ReadResult r = ReadCsv(std::string(kHeader) + ",Jo,area,,1,2,,,sms:+44,,,\n");
  REQUIRE(r.rows.size() == 1);
  const v1::Reservist& p = r.rows[0].reservist();
  CHECK(p.external_id().empty());
  CHECK(p.status() == v1::RESERVIST_STATUS_UNSPECIFIED);
  CHECK(p.postcode().empty());
  CHECK(p.max_travel_km() == 0);
  CHECK(p.skills().empty());
  CHECK(p.availability().empty());
  CHECK(p.unavailable().empty());
}

TEST_CASE("Roster CSV header: any order, any case, optional columns", "[roster_csv]") {
  ReadResult r = ReadCsv(
      " Channels ,LON,lat,Name,home_area,id\n"
      "email:a@b.org,-2.5,52,\"Smith, Sam\",somerset,999\n");
  REQUIRE(r.open.ok());
  REQUIRE(r.rows.size() == 1);
  const v1::Reservist& p = r.rows[0].reservist();
  CHECK(p.name() == "Smith, Sam");
  CHECK(p.lat() == 52);
  CHECK(p.lon() == -2.5);
  CHECK(p.id() == 0);  // the id column is ignored
  CHECK(p.channels(0).address() == "a@b.org");
}

TEST_CASE("Roster CSV header errors", "[roster_csv]") {
  auto open_error = [](const std::string& csv) { return ReadCsv(csv).open.ToString(); };
  CHECK(open_error("") == "header: the input is empty (expected a header row)");
  CHECK(open_error("name,home_area,lat,lon,channels,phone,email\n") ==
        "header: line 1: unknown column(s) \"phone\", \"email\" (see docs/roster-csv.md)");
  CHECK(open_error("name,home_area,channels\n") ==
        "header: line 1: missing required column(s) \"lat\", \"lon\" (see docs/roster-csv.md)");
  CHECK(open_error("name,home_area,lat,lon,channels,Name\n") ==
        "header: line 1: duplicate column(s) \"name\" (see docs/roster-csv.md)");
  CHECK(open_error("nom,home_area,lat,lon,channels\n") ==
        "header: line 1: unknown column(s) \"nom\"; missing required column(s) \"name\" (see "
        "docs/roster-csv.md)");
  CHECK(open_error("\"name\"x,lat\n").starts_with("header: line 1: field 1: text after"));
}

TEST_CASE("Roster CSV row errors name line, field and reason", "[roster_csv]") {
  const std::string ok_tail = ",GL1,40,sms:+44,,,";
  CHECK(OneError("X,Jo,area,active,abc,-2" + ok_tail) == "line 2: lat: \"abc\" is not a number");
  CHECK(OneError("X,Jo,area,active,,-2" + ok_tail) ==
        "line 2: lat: is empty (a number is required)");
  CHECK(OneError("X,Jo,area,active,51,-2,GL1,far,sms:+44,,,") ==
        "line 2: max_travel_km: \"far\" is not a number");
  CHECK(OneError("X,Jo,area,retired,51,-2" + ok_tail) ==
        "line 2: status: \"retired\" is not a status (expected active or suspended)");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44,first_aid:2;radio:x,,") ==
        "line 2: skills[1].level: \"x\" is not a whole number");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44,first_aid:2:31.3.27,,") ==
        "line 2: skills[0].cert_expires: \"31.3.27\" is not a date (expected YYYY-MM-DD)");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44,,mon 08:00-18:00;tue 8-18,") ==
        "line 2: availability[1].start: \"8\" is not a time HH:MM");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44,,someday,") ==
        "line 2: availability[0].day: \"someday\" is not a day or day range (e.g. mon, mon-fri)");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44,,,2026-12-24..2026-12-32") ==
        "line 2: unavailable[0].until: \"2026-12-32\" is not a date (expected YYYY-MM-DD)");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,fax:0123,,,") ==
        "line 2: channels[0].kind: \"fax:0123\" does not start with sms:, email: or webhook:");
  CHECK(OneError("X,Jo,area,,51,-2,GL1,40,sms:+44\\,,,") ==
        "line 2: channels: ends with a lone backslash");
  CHECK(OneError("X,Jo,area,active,51,-2") ==
        "line 2: expected 12 fields (as in the header), found 6");
  CHECK(OneError("X,Jo,area,active,51,-2,a,b,c,d,e,f,g") ==
        "line 2: expected 12 fields (as in the header), found 13");
  CHECK(OneError("X,Caf\xE9,area,,51,-2" + ok_tail) ==
        "line 2: name: is not valid UTF-8 (byte 4 of the cell); save the file as UTF-8");
}

TEST_CASE("Roster CSV goes on after bad rows", "[roster_csv]") {
  std::string csv = std::string(kHeader) + kGood + "\n" + "X,Jo,area,active,abc,-2,,,sms:+44,,,\n" +
                    "\"multi\nline\",Jo,area,,1,2,,,sms:+44,,,\n" +
                    "Y,Jo,area,active,1,2,,,sms:+44,bad,,\n" + kGood + "\n";
  ReadResult r = ReadCsv(csv);
  REQUIRE(r.open.ok());
  CHECK(r.rows.size() == 3);
  CHECK(r.rows[1].line() == 4);
  CHECK(r.rows[1].reservist().external_id() == "multi\nline");
  CHECK(r.rows[2].line() == 7);
  CHECK(r.error_texts ==
        std::vector<std::string>{
            "line 3: lat: \"abc\" is not a number",
            "line 6: skills[0].level: \"bad\" has no level (expected CODE:LEVEL)"});
}

v1::Reservist FullReservist() {
  v1::Reservist r;
  r.set_id(4711);
  r.set_external_id("GLO,\"42\"");
  r.set_name("Siân \"Jo\" O'Neil, Jr\nsecond line");
  r.set_home_area("gloucestershire");
  r.set_status(v1::SUSPENDED);
  r.set_lat(51.994127000000001);
  r.set_lon(-2.1600000000000001);
  r.set_postcode("GL20 5AA");
  r.set_max_travel_km(42.5);
  auto* c = r.add_channels();
  c->set_kind(v1::ContactChannel::WEBHOOK);
  c->set_address("https://example.org/hook;x=1");
  c = r.add_channels();
  c->set_kind(v1::ContactChannel::SMS);
  c->set_address("+447700900123");
  auto* s = r.add_skills();
  s->set_skill("first_aid");
  s->set_level(2);
  s->set_cert_expires("2027-03-31");
  s->set_cert_issuer("St John; Ambulance: \\ Wales ");
  s = r.add_skills();
  s->set_skill("radio");
  s->set_level(1);
  s->set_cert_issuer("RSGB");
  auto* w = r.add_availability();
  w->set_day(v1::SUNDAY);
  w->set_start("22:00");
  w->set_end("06:00");
  auto* u = r.add_unavailable();
  u->set_from("2026-12-24");
  u->set_until("2026-12-27");
  u->set_reason("Christmas, \"family\"; away");
  return r;
}

TEST_CASE("Roster CSV write then read gives the same reservist", "[roster_csv]") {
  v1::Reservist original = FullReservist();
  std::string csv = RosterCsvHeader() + FormatRosterCsvRecord(original);
  ReadResult r = ReadCsv(csv);
  REQUIRE(r.open.ok());
  INFO(csv);
  REQUIRE(r.errors.empty());
  REQUIRE(r.rows.size() == 1);
  v1::Reservist expected = original;
  expected.set_id(0);  // ids are not imported
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  CHECK(differ.Compare(expected, r.rows[0].reservist()));
  CHECK(diff == "");
  // And writing what was read gives the same text again.
  v1::Reservist again = r.rows[0].reservist();
  again.set_id(4711);
  CHECK(RosterCsvHeader() + FormatRosterCsvRecord(again) == csv);
}

TEST_CASE("Roster CSV writer format", "[roster_csv]") {
  CHECK(RosterCsvHeader() ==
        "id,external_id,name,home_area,status,lat,lon,postcode,max_travel_km,channels,skills,"
        "availability,unavailable\n");
  CHECK(RosterCsvHeader({.include_id = false}) == kHeader);
  v1::Reservist r;
  r.set_id(7);
  r.set_name("Jo");
  r.set_home_area("area");
  r.set_status(v1::ACTIVE);
  r.set_lat(51.5);
  r.set_lon(-0.25);
  r.set_max_travel_km(50);
  auto* c = r.add_channels();
  c->set_kind(v1::ContactChannel::EMAIL);
  c->set_address("jo@example.org");
  auto* s = r.add_skills();
  s->set_skill("first_aid");
  s->set_level(3);
  auto* w = r.add_availability();
  w->set_day(v1::MONDAY);
  w->set_start("08:00");
  w->set_end("18:00");
  CHECK(FormatRosterCsvRecord(r) ==
        "7,,Jo,area,active,51.5,-0.25,,50,email:jo@example.org,first_aid:3,mon 08:00-18:00,\n");
  CHECK(FormatRosterCsvRecord(r, {.include_id = false}) ==
        ",Jo,area,active,51.5,-0.25,,50,email:jo@example.org,first_aid:3,mon 08:00-18:00,\n");
  CHECK(FormatRosterCsvRecord(FullReservist()) ==
        "4711,\"GLO,\"\"42\"\"\",\"Siân \"\"Jo\"\" O'Neil, Jr\nsecond line\",gloucestershire,"
        "suspended,51.994127,-2.16,GL20 5AA,42.5,webhook:https://example.org/hook\\;x=1;sms:+"
        "447700900123,first_aid:2:2027-03-31:St John\\; Ambulance: \\\\ Wales\\ ;radio:1::RSGB,"
        "sun 22:00-06:00,\"2026-12-24..2026-12-27:Christmas, \"\"family\"\"\\; away\"\n");
}

TEST_CASE("Roster CSV many records round trip", "[roster_csv]") {
  std::string csv = RosterCsvHeader();
  for (int i = 0; i < 2500; ++i) {
    v1::Reservist r = FullReservist();
    r.set_id(i + 1);
    r.set_external_id("EXT-" + std::to_string(i));
    AppendRosterCsvRecord(r, {}, &csv);
  }
  ReadResult r = ReadCsv(csv);
  REQUIRE(r.errors.empty());
  REQUIRE(r.rows.size() == 2500);
  CHECK(r.rows[2499].reservist().external_id() == "EXT-2499");
  CHECK(r.rows[2499].line() == 2 + 2499 * 2);  // each name spans two lines
}

}  // namespace
}  // namespace muster::client

#include "roster_fields.h"

#include <catch2/catch.hpp>

namespace muster::client {
namespace {

std::string Error(const Status& s) {
  return s.ok() ? "ok" : s.ToString();
}

TEST_CASE("ParseNumber", "[fields]") {
  double v = 0;
  CHECK(ParseNumber("51.99", &v).ok());
  CHECK(v == 51.99);
  CHECK(ParseNumber(" -2.16 ", &v).ok());
  CHECK(v == -2.16);
  CHECK(ParseNumber("+40", &v).ok());
  CHECK(v == 40);
  CHECK(ParseNumber("1e-05", &v).ok());
  CHECK(v == 1e-05);
  CHECK(Error(ParseNumber("abc", &v)) == "\"abc\" is not a number");
  CHECK(Error(ParseNumber("", &v)) == "\"\" is not a number");
  CHECK(Error(ParseNumber("51,99", &v)) == "\"51,99\" is not a number");
  CHECK(Error(ParseNumber("12km", &v)) == "\"12km\" is not a number");
  CHECK(Error(ParseNumber("nan", &v)) == "\"nan\" is not a number");
  CHECK(Error(ParseNumber("inf", &v)) == "\"inf\" is not a number");
}

TEST_CASE("FormatNumber is shortest and round-trips", "[fields]") {
  CHECK(FormatNumber(51.99) == "51.99");
  CHECK(FormatNumber(-2.16) == "-2.16");
  CHECK(FormatNumber(50) == "50");
  CHECK(FormatNumber(0) == "0");
  for (double d : {0.1 + 0.2, 51.123456789012345, -179.99999999999997, 1e-7}) {
    double back = 0;
    REQUIRE(ParseNumber(FormatNumber(d), &back).ok());
    CHECK(back == d);
  }
}

TEST_CASE("ParseWholeNumber", "[fields]") {
  int32_t v = 0;
  CHECK(ParseWholeNumber("2", &v).ok());
  CHECK(v == 2);
  CHECK(Error(ParseWholeNumber("2.5", &v)) == "\"2.5\" is not a whole number");
  CHECK(Error(ParseWholeNumber("x", &v)) == "\"x\" is not a whole number");
  CHECK(Error(ParseWholeNumber("99999999999", &v)) == "\"99999999999\" is not a whole number");
}

TEST_CASE("ParseLatLon", "[fields]") {
  double lat = 0, lon = 0;
  CHECK(ParseLatLon("51.99,-2.16", &lat, &lon).ok());
  CHECK(lat == 51.99);
  CHECK(lon == -2.16);
  CHECK(ParseLatLon("51.99, -2.16", &lat, &lon).ok());
  CHECK(Error(ParseLatLon("51.99", &lat, &lon)) == "\"51.99\" is not LAT,LON (e.g. 51.99,-2.16)");
  CHECK(Error(ParseLatLon("north,-2", &lat, &lon)) == "lat: \"north\" is not a number");
  CHECK(Error(ParseLatLon("51,west", &lat, &lon)) == "lon: \"west\" is not a number");
}

TEST_CASE("ParseReservistStatus", "[fields]") {
  v1::ReservistStatus s;
  CHECK(ParseReservistStatus("active", &s).ok());
  CHECK(s == v1::ACTIVE);
  CHECK(ParseReservistStatus("Suspended", &s).ok());
  CHECK(s == v1::SUSPENDED);
  CHECK(ParseReservistStatus("", &s).ok());
  CHECK(s == v1::RESERVIST_STATUS_UNSPECIFIED);
  CHECK(Error(ParseReservistStatus("deployed", &s)) ==
        "\"deployed\" is not a status (expected active or suspended)");
  CHECK(ReservistStatusName(v1::SUSPENDED) == "suspended");
  CHECK(ReservistStatusName(v1::RESERVIST_STATUS_UNSPECIFIED) == "");
}

TEST_CASE("ParseReservistRef", "[fields]") {
  auto id = ParseReservistRef("123");
  REQUIRE(id.ok());
  CHECK(id->id() == 123);
  CHECK(FormatReservistRef(*id) == "123");
  auto ext = ParseReservistRef("ext:GLO-0042");
  REQUIRE(ext.ok());
  CHECK(ext->external_id() == "GLO-0042");
  CHECK(FormatReservistRef(*ext) == "ext:GLO-0042");
  auto colon = ParseReservistRef("ext:a:b");
  REQUIRE(colon.ok());
  CHECK(colon->external_id() == "a:b");
  for (const char* bad : {"", "abc", "0", "-5", "12x", "ext:", "EXT:1"}) {
    INFO(bad);
    auto r = ParseReservistRef(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("is not a reservist reference") != std::string::npos);
  }
}

TEST_CASE("ParseChannel", "[fields]") {
  v1::ContactChannel c;
  CHECK(ParseChannel("sms:+447700900123", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::SMS);
  CHECK(c.address() == "+447700900123");
  CHECK(ParseChannel("EMAIL: jo@example.org ", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::EMAIL);
  CHECK(c.address() == "jo@example.org");
  CHECK(ParseChannel("webhook:https://example.org/hook?a=1", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::WEBHOOK);
  CHECK(c.address() == "https://example.org/hook?a=1");
  // Inferred kinds.
  CHECK(ParseChannel("+447700900123", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::SMS);
  CHECK(ParseChannel("jo@example.org", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::EMAIL);
  CHECK(ParseChannel("https://example.org/x", &c).ok());
  CHECK(c.kind() == v1::ContactChannel::WEBHOOK);
  CHECK(c.address() == "https://example.org/x");
  CHECK(Error(ParseChannel("pager:123", &c)) ==
        "kind: \"pager:123\" does not start with sms:, email: or webhook:");
  CHECK(Error(ParseChannel("sms:", &c)) == "address: \"sms:\" has no address");
  CHECK(FormatChannel(c) == "webhook:https://example.org/x");
}

TEST_CASE("ParseSkillHolding", "[fields]") {
  v1::SkillHolding h;
  CHECK(ParseSkillHolding("first_aid:2:2027-03-31:St John", &h).ok());
  CHECK(h.skill() == "first_aid");
  CHECK(h.level() == 2);
  CHECK(h.cert_expires() == "2027-03-31");
  CHECK(h.cert_issuer() == "St John");
  CHECK(FormatSkillHolding(h) == "first_aid:2:2027-03-31:St John");

  CHECK(ParseSkillHolding("driver_4x4:1", &h).ok());
  CHECK(h.cert_expires().empty());
  CHECK(h.cert_issuer().empty());
  CHECK(FormatSkillHolding(h) == "driver_4x4:1");

  CHECK(ParseSkillHolding("radio:3::RSGB: Foundation", &h).ok());
  CHECK(h.cert_expires().empty());
  CHECK(h.cert_issuer() == "RSGB: Foundation");
  CHECK(FormatSkillHolding(h) == "radio:3::RSGB: Foundation");

  CHECK(ParseSkillHolding("boat:1:2026-01-01", &h).ok());
  CHECK(FormatSkillHolding(h) == "boat:1:2026-01-01");

  CHECK(Error(ParseSkillHolding("first_aid", &h)) ==
        "level: \"first_aid\" has no level (expected CODE:LEVEL)");
  CHECK(Error(ParseSkillHolding("first_aid:x", &h)) == "level: \"x\" is not a whole number");
  CHECK(Error(ParseSkillHolding(":2", &h)) == "skill: \":2\" has no skill code");
  CHECK(Error(ParseSkillHolding("first_aid:2:31/03/2027", &h)) ==
        "cert_expires: \"31/03/2027\" is not a date (expected YYYY-MM-DD)");
  CHECK(Error(ParseSkillHolding("first_aid:2:2027-02-30", &h)) ==
        "cert_expires: \"2027-02-30\" is not a date (expected YYYY-MM-DD)");
}

std::vector<std::string> Windows(std::string_view text, std::string* error = nullptr) {
  google::protobuf::RepeatedPtrField<v1::WeeklyWindow> list;
  Status s = ParseWeeklyWindows(text, &list);
  if (error != nullptr) *error = Error(s);
  std::vector<std::string> out;
  for (const auto& w : list) out.push_back(FormatWeeklyWindow(w));
  return out;
}

TEST_CASE("ParseWeeklyWindows", "[fields]") {
  using V = std::vector<std::string>;
  CHECK(Windows("mon 08:00-18:00") == V{"mon 08:00-18:00"});
  CHECK(Windows("mon:08:00-18:00") == V{"mon 08:00-18:00"});
  CHECK(Windows("  Friday   22:00 - 06:00 ") == V{"fri 22:00-06:00"});
  CHECK(Windows("sat") == V{"sat 00:00-24:00"});
  CHECK(Windows("mon-wed 09:00-17:00") ==
        V{"mon 09:00-17:00", "tue 09:00-17:00", "wed 09:00-17:00"});
  CHECK(Windows("sat-mon:00:00-24:00") ==
        V{"sat 00:00-24:00", "sun 00:00-24:00", "mon 00:00-24:00"});
  std::string error;
  Windows("funday 08:00-18:00", &error);
  CHECK(error == "day: \"funday\" is not a day or day range (e.g. mon, mon-fri)");
  Windows("mon 8:00-18:00", &error);
  CHECK(error == "start: \"8:00\" is not a time HH:MM");
  Windows("mon 08:00-25:00", &error);
  CHECK(error == "end: \"25:00\" is not a time HH:MM");
  Windows("mon 08:00", &error);
  CHECK(error == "start: \"08:00\" is not a time range HH:MM-HH:MM");
  Windows("mon08:00-18:00", &error);
  CHECK(error == "day: \"mon08:00-18:00\" is not DAYS HH:MM-HH:MM (e.g. mon 08:00-18:00)");
  Windows("24:00-08:00", &error);
  CHECK(error == "day: \"\" is not a day or day range (e.g. mon, mon-fri)");
}

TEST_CASE("ParseUnavailability", "[fields]") {
  v1::Unavailability u;
  CHECK(ParseUnavailability("2026-12-24..2026-12-27:Christmas", &u).ok());
  CHECK(u.from() == "2026-12-24");
  CHECK(u.until() == "2026-12-27");
  CHECK(u.reason() == "Christmas");
  CHECK(FormatUnavailability(u) == "2026-12-24..2026-12-27:Christmas");
  CHECK(ParseUnavailability("2026-08-01", &u).ok());
  CHECK(u.from() == "2026-08-01");
  CHECK(u.until() == "2026-08-01");
  CHECK(u.reason().empty());
  CHECK(FormatUnavailability(u) == "2026-08-01..2026-08-01");
  CHECK(ParseUnavailability("2026-08-01: surgery: knee", &u).ok());
  CHECK(u.reason() == " surgery: knee");
  CHECK(Error(ParseUnavailability("2026-13-01..2026-12-02", &u)) ==
        "from: \"2026-13-01\" is not a date (expected YYYY-MM-DD)");
  CHECK(Error(ParseUnavailability("2026-12-01..soon", &u)) ==
        "until: \"soon\" is not a date (expected YYYY-MM-DD)");
}

std::vector<std::string> Items(std::string_view cell, std::string* error = nullptr) {
  ListItemReader reader(cell);
  std::vector<std::string> out;
  for (std::string_view item; reader.Next(&item);) out.emplace_back(item);
  if (error != nullptr) *error = Error(reader.status());
  return out;
}

TEST_CASE("ListItemReader splits, trims and unescapes", "[fields]") {
  using V = std::vector<std::string>;
  CHECK(Items("") == V{});
  CHECK(Items("a") == V{"a"});
  CHECK(Items("a;b") == V{"a", "b"});
  CHECK(Items(" a ; b ;") == V{"a", "b"});
  CHECK(Items(";;a;;") == V{"a"});
  CHECK(Items("x:1:2027-01-01:A\\; B;y:2") == V{"x:1:2027-01-01:A; B", "y:2"});
  CHECK(Items("back\\\\slash") == V{"back\\slash"});
  CHECK(Items("\\ lead;trail\\ ") == V{" lead", "trail "});
  CHECK(Items("  \\  two;x") == V{"  two", "x"});
  std::string error;
  CHECK(Items("a;b\\", &error) == V{"a"});
  CHECK(error == "ends with a lone backslash");
}

TEST_CASE("AppendListItem escapes what ListItemReader would change", "[fields]") {
  for (std::string item : {"plain", "semi;colon", "back\\slash", " lead", "trail ", "  both  ",
                           "a:b:c", "\\;", "tab\t"}) {
    std::string cell;
    AppendListItem(item, &cell);
    cell += ';';
    AppendListItem("next", &cell);
    INFO(cell);
    CHECK(Items(cell) == std::vector<std::string>{item, "next"});
  }
  std::string cell;
  AppendListItem("a;b\\c", &cell);
  CHECK(cell == "a\\;b\\\\c");
}

}  // namespace
}  // namespace muster::client

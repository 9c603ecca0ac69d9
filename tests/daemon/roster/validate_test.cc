#include "roster/validate.h"

#include <catch2/catch.hpp>

using namespace muster;

namespace {

SkillCatalogue Catalogue() {
  SkillCatalogue c;
  c["first_aid"] = Skill{"first_aid", "First aid", 1, 3};
  c["driver_4x4"] = Skill{"driver_4x4", "4x4 driver", 1, 2};
  return c;
}

Reservist Valid() {
  Reservist r;
  r.name = "Jo Bloggs";
  r.home_area = "gloucestershire";
  r.lat = 51.99;
  r.lon = -2.16;
  r.max_travel_km = 0;  // default applies
  r.channels = {{ChannelKind::kSms, "+447700900123"}, {ChannelKind::kEmail, "jo@example.org"}};
  r.skills = {{"first_aid", 2, "St John", ParseDate("2027-03-31")}};
  r.availability = {{5, 22 * 60, 6 * 60}};
  r.unavailable = {{*ParseDate("2026-12-24"), *ParseDate("2026-12-27"), "Christmas"}};
  return r;
}

// Validates r and returns the failing field ("" when valid).
std::string FailingField(Reservist r) {
  Status st = NormalizeAndValidateReservist(r, Catalogue());
  return st.ok() ? "" : st.field();
}

}  // namespace

TEST_CASE("a complete reservist is valid and gets defaults", "[validate]") {
  Reservist r = Valid();
  REQUIRE(NormalizeAndValidateReservist(r, Catalogue()).ok());
  CHECK(r.max_travel_km == kDefaultMaxTravelKm);
}

TEST_CASE("each bad field is named", "[validate]") {
  Reservist r = Valid();
  r.lat = 91;
  {
    Status st = NormalizeAndValidateReservist(r, Catalogue());
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.ToString() == "lat: 91 is out of range [-90, 90]");
  }
  r = Valid();
  r.lon = -180.5;
  CHECK(FailingField(r) == "lon");
  r = Valid();
  r.name = "";
  CHECK(FailingField(r) == "name");
  r = Valid();
  r.name = std::string(201, 'x');
  CHECK(FailingField(r) == "name");
  r = Valid();
  r.name = "Jo\nBloggs";
  CHECK(FailingField(r) == "name");
  r = Valid();
  r.home_area = "";
  CHECK(FailingField(r) == "home_area");
  r = Valid();
  r.home_area = "Glos";
  CHECK(FailingField(r) == "home_area");
  r = Valid();
  r.channels.clear();
  CHECK(FailingField(r) == "channels");
  r = Valid();
  r.channels[0].address = "07700900123";
  CHECK(FailingField(r) == "channels[0].address");
  r = Valid();
  r.channels[1].address = "jo@example";
  CHECK(FailingField(r) == "channels[1].address");
  r = Valid();
  r.max_travel_km = 1001;
  CHECK(FailingField(r) == "max_travel_km");
  r = Valid();
  r.max_travel_km = -5;
  CHECK(FailingField(r) == "max_travel_km");
  r = Valid();
  r.skills[0].skill = "juggling";
  CHECK(FailingField(r) == "skills[0].skill");
  r = Valid();
  r.skills[0].level = 4;
  CHECK(FailingField(r) == "skills[0].level");
  r = Valid();
  r.skills.push_back(r.skills[0]);
  CHECK(FailingField(r) == "skills[1].skill");
  r = Valid();
  r.availability[0].day = 8;
  CHECK(FailingField(r) == "availability[0].day");
  r = Valid();
  std::swap(r.unavailable[0].from, r.unavailable[0].until);
  CHECK(FailingField(r) == "unavailable[0].until");
}

TEST_CASE("level out of range message names skill and range", "[validate]") {
  Reservist r = Valid();
  r.skills[0].level = 7;
  Status st = NormalizeAndValidateReservist(r, Catalogue());
  CHECK(st.ToString() == "skills[0].level: 7 is out of range [1, 3] for skill first_aid");
}

TEST_CASE("contact address checks", "[validate]") {
  CHECK(IsValidPhone("+447700900123"));
  CHECK_FALSE(IsValidPhone("+0447700900123"));
  CHECK_FALSE(IsValidPhone("+44 7700 900123"));
  CHECK_FALSE(IsValidPhone("+12345"));
  CHECK(IsValidEmail("first.last+tag@sub.example.org"));
  CHECK_FALSE(IsValidEmail("no-at.example.org"));
  CHECK_FALSE(IsValidEmail("two@@example.org"));
  CHECK_FALSE(IsValidEmail("a@b"));
  CHECK_FALSE(IsValidEmail(".a@example.org"));
  CHECK_FALSE(IsValidEmail("a@-example.org"));
  CHECK(IsValidWebhook("https://council.example.org/hook"));
  CHECK(IsValidWebhook("push:abc123"));
  CHECK_FALSE(IsValidWebhook("ftp://x"));
  CHECK_FALSE(IsValidWebhook("https://a b"));
}

TEST_CASE("skills validate code, name and level range", "[validate]") {
  Skill s{"flood_rescue", "Flood rescue", 0, 0};
  REQUIRE(NormalizeAndValidateSkill(s).ok());
  CHECK(s.min_level == 1);
  CHECK(s.max_level == 5);
  Skill bad{"Flood Rescue", "x", 1, 2};
  CHECK(NormalizeAndValidateSkill(bad).field() == "code");
  Skill range{"boat", "Boat", 3, 2};
  CHECK(NormalizeAndValidateSkill(range).field() == "min_level");
  Skill noname{"boat", "", 1, 2};
  CHECK(NormalizeAndValidateSkill(noname).field() == "name");
}

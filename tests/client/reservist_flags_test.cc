#include "reservist_flags.h"

#include <catch2/catch.hpp>

#include "roster_fields.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

std::vector<std::string> SkillTexts(const v1::Reservist& r) {
  std::vector<std::string> out;
  for (const auto& s : r.skills()) out.push_back(FormatSkillHolding(s));
  return out;
}

ReservistFlags AddFlags() {
  ReservistFlags f;
  f.name = "Jo Bloggs";
  f.area = "gloucestershire";
  f.at = "51.99,-2.16";
  f.postcode = "GL20 5AA";
  f.external_id = "GLO-1";
  f.max_travel = "40";
  f.channels = {"sms:+447700900123", "email:jo@example.org"};
  f.skills = {"first_aid:2:2027-03-31:St John", "driver_4x4:1"};
  f.available = {"mon-fri 08:00-18:00", "sat"};
  f.unavailable = {"2026-12-24..2026-12-27:Christmas"};
  return f;
}

TEST_CASE("Flags build a new reservist", "[flags]") {
  v1::Reservist r;
  REQUIRE(ApplyReservistFlags(AddFlags(), &r).ok());
  CHECK(r.name() == "Jo Bloggs");
  CHECK(r.home_area() == "gloucestershire");
  CHECK(r.lat() == 51.99);
  CHECK(r.lon() == -2.16);
  CHECK(r.postcode() == "GL20 5AA");
  CHECK(r.external_id() == "GLO-1");
  CHECK(r.max_travel_km() == 40);
  REQUIRE(r.channels_size() == 2);
  CHECK(FormatChannel(r.channels(0)) == "sms:+447700900123");
  CHECK(FormatChannel(r.channels(1)) == "email:jo@example.org");
  CHECK(SkillTexts(r) ==
        std::vector<std::string>{"first_aid:2:2027-03-31:St John", "driver_4x4:1"});
  CHECK(r.availability_size() == 6);
  CHECK(FormatWeeklyWindow(r.availability(5)) == "sat 00:00-24:00");
  CHECK(FormatUnavailability(r.unavailable(0)) == "2026-12-24..2026-12-27:Christmas");
  CHECK(HasChanges(AddFlags()));
  CHECK_FALSE(HasChanges(ReservistFlags()));
}

TEST_CASE("Update flags change only what is given", "[flags]") {
  v1::Reservist r;
  REQUIRE(ApplyReservistFlags(AddFlags(), &r).ok());
  ReservistFlags u;
  u.skills = {"first_aid:3:2028-01-31"};  // replaces first_aid, keeps driver_4x4
  u.unavailable = {"2027-01-02"};         // adds
  u.postcode = "";                        // clears
  REQUIRE(ApplyReservistFlags(u, &r).ok());
  CHECK(r.name() == "Jo Bloggs");
  CHECK(r.postcode().empty());
  CHECK(r.channels_size() == 2);
  CHECK(r.availability_size() == 6);
  CHECK(SkillTexts(r) == std::vector<std::string>{"first_aid:3:2028-01-31", "driver_4x4:1"});
  CHECK(r.unavailable_size() == 2);

  ReservistFlags lists;
  lists.channels = {"email:new@example.org"};  // replaces
  lists.available = {"sun 10:00-12:00"};       // replaces
  lists.remove_skills = {"driver_4x4"};
  lists.skills = {"flood_warden:1"};
  REQUIRE(ApplyReservistFlags(lists, &r).ok());
  REQUIRE(r.channels_size() == 1);
  CHECK(r.channels(0).address() == "new@example.org");
  REQUIRE(r.availability_size() == 1);
  CHECK(FormatWeeklyWindow(r.availability(0)) == "sun 10:00-12:00");
  CHECK(SkillTexts(r) == std::vector<std::string>{"first_aid:3:2028-01-31", "flood_warden:1"});

  ReservistFlags clear;
  clear.clear_skills = true;
  clear.clear_available = true;
  clear.clear_unavailable = true;
  clear.skills = {"radio:1"};
  REQUIRE(ApplyReservistFlags(clear, &r).ok());
  CHECK(SkillTexts(r) == std::vector<std::string>{"radio:1"});
  CHECK(r.availability().empty());
  CHECK(r.unavailable().empty());
}

TEST_CASE("Flag errors name the flag and the value", "[flags]") {
  auto error = [](auto set) {
    ReservistFlags f;
    set(f);
    v1::Reservist r;
    return ApplyReservistFlags(f, &r).ToString();
  };
  CHECK(error([](ReservistFlags& f) { f.skills = {"first_aid:x"}; }) ==
        "--skill: \"first_aid:x\": level: \"x\" is not a whole number");
  CHECK(error([](ReservistFlags& f) { f.channels = {"fax:123"}; }) ==
        "--channel: \"fax:123\": kind: \"fax:123\" does not start with sms:, email: or webhook:");
  CHECK(error([](ReservistFlags& f) { f.available = {"mon 9-5"}; }) ==
        "--available: \"mon 9-5\": start: \"9\" is not a time HH:MM");
  CHECK(error([](ReservistFlags& f) { f.unavailable = {"2026-12-24..xmas"}; }) ==
        "--unavailable: \"2026-12-24..xmas\": until: \"xmas\" is not a date (expected "
        "YYYY-MM-DD)");
  CHECK(error([](ReservistFlags& f) { f.at = "51.99;-2.16"; }) ==
        "--at: \"51.99;-2.16\": \"51.99;-2.16\" is not LAT,LON (e.g. 51.99,-2.16)");
  CHECK(error([](ReservistFlags& f) { f.max_travel = "40km"; }) ==
        "--max-travel: \"40km\": \"40km\" is not a number");
  CHECK(error([](ReservistFlags& f) { f.remove_skills = {"boat"}; }) ==
        "--remove-skill: \"boat\": the reservist holds no such skill");
}

}  // namespace
}  // namespace muster::client

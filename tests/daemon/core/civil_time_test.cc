#include "core/civil_time.h"

#include <catch2/catch.hpp>

using namespace muster;

TEST_CASE("dates parse, format and round-trip", "[civil_time]") {
  auto d = ParseDate("2026-11-25");
  REQUIRE(d);
  CHECK(FormatDate(*d) == "2026-11-25");
  CHECK(ParseDate("1970-01-01")->days == 0);
  CHECK(IsoWeekday(*ParseDate("2026-11-25")) == 3);  // a Wednesday
  CHECK(IsoWeekday(*ParseDate("2026-03-29")) == 7);  // last Sunday of March 2026
  CHECK(ParseDate("2024-02-29"));
  CHECK_FALSE(ParseDate("2026-02-29"));
  CHECK_FALSE(ParseDate("2026-13-01"));
  CHECK_FALSE(ParseDate("2026-1-01"));
  CHECK_FALSE(ParseDate("26-11-25"));
  CHECK_FALSE(ParseDate("2026-11-25x"));
  CHECK_FALSE(ParseDate(""));
  for (int32_t days = -1000; days < 40000; days += 37) {
    CHECK(ParseDate(FormatDate(Date{days}))->days == days);
  }
}

TEST_CASE("times of day", "[civil_time]") {
  CHECK(ParseTimeOfDay("00:00") == 0);
  CHECK(ParseTimeOfDay("23:59") == 1439);
  CHECK_FALSE(ParseTimeOfDay("24:00"));
  CHECK(ParseTimeOfDay("24:00", true) == 1440);
  CHECK_FALSE(ParseTimeOfDay("24:01", true));
  CHECK_FALSE(ParseTimeOfDay("8:00"));
  CHECK_FALSE(ParseTimeOfDay("08:60"));
  CHECK(FormatTimeOfDay(1440) == "24:00");
  CHECK(FormatTimeOfDay(65) == "01:05");
}

TEST_CASE("instants need an explicit offset", "[civil_time]") {
  CHECK(ParseInstant("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseInstant("2026-11-25T18:00Z") == 1795629600);
  CHECK(ParseInstant("2026-07-01T18:00:00+01:00") == ParseInstant("2026-07-01T17:00:00Z"));
  CHECK(ParseInstant("2026-07-01T18:00:00-05:30") == ParseInstant("2026-07-01T23:30:00Z"));
  CHECK_FALSE(ParseInstant("2026-07-01T18:00:00"));
  CHECK_FALSE(ParseInstant("2026-07-01T25:00:00Z"));
  CHECK(FormatInstant(1795629600) == "2026-11-25T18:00:00Z");
  CHECK(FormatInstant(-1) == "1969-12-31T23:59:59Z");
}

#include "core/london_time.h"

#include <catch2/catch.hpp>

namespace muster {
namespace {

int64_t Utc(const char* iso) {
  return *ParseInstant(iso);
}
Date D(const char* iso) {
  return *ParseDate(iso);
}

TEST_CASE("BST transition instants", "[london_time]") {
  CHECK(BstStartUtc(2026) == Utc("2026-03-29T01:00:00Z"));
  CHECK(BstEndUtc(2026) == Utc("2026-10-25T01:00:00Z"));
  CHECK(BstStartUtc(2024) == Utc("2024-03-31T01:00:00Z"));  // the 31st itself is a Sunday
  CHECK(BstEndUtc(2027) == Utc("2027-10-31T01:00:00Z"));
  CHECK(BstStartUtc(2027) == Utc("2027-03-28T01:00:00Z"));
}

TEST_CASE("UTC to London in winter and summer", "[london_time]") {
  LondonTime w = UtcToLondon(Utc("2026-01-15T12:34:56Z"));
  CHECK(w.date == D("2026-01-15"));
  CHECK(w.minute_of_day == 12 * 60 + 34);
  CHECK(w.second == 56);
  CHECK(w.iso_weekday == 4);  // Thursday
  CHECK(w.offset_minutes == 0);

  LondonTime s = UtcToLondon(Utc("2026-07-04T23:30:00Z"));
  CHECK(s.date == D("2026-07-05"));  // already Sunday locally
  CHECK(s.minute_of_day == 30);
  CHECK(s.iso_weekday == 7);
  CHECK(s.offset_minutes == 60);
}

TEST_CASE("spring forward: 01:00 GMT becomes 02:00 BST", "[london_time]") {
  const int64_t jump = Utc("2026-03-29T01:00:00Z");
  LondonTime before = UtcToLondon(jump - 1);
  CHECK(before.minute_of_day == 59);
  CHECK(before.second == 59);
  CHECK(before.offset_minutes == 0);
  LondonTime after = UtcToLondon(jump);
  CHECK(after.date == D("2026-03-29"));
  CHECK(after.minute_of_day == 120);
  CHECK(after.offset_minutes == 60);
  CHECK(NextLondonTransition(jump - 1) == jump);
  CHECK(NextLondonTransition(jump) == Utc("2026-10-25T01:00:00Z"));
}

TEST_CASE("fall back: 02:00 BST becomes 01:00 GMT", "[london_time]") {
  const int64_t back = Utc("2026-10-25T01:00:00Z");
  LondonTime before = UtcToLondon(back - 1);
  CHECK(before.minute_of_day == 119);
  CHECK(before.offset_minutes == 60);
  LondonTime after = UtcToLondon(back);
  CHECK(after.minute_of_day == 60);
  CHECK(after.offset_minutes == 0);
  CHECK(NextLondonTransition(back) == Utc("2027-03-28T01:00:00Z"));
}

TEST_CASE("London to UTC: unique times", "[london_time]") {
  LocalToUtc w = LondonToUtc(D("2026-01-15"), 9 * 3600);
  CHECK(w.kind == LocalTimeKind::kUnique);
  CHECK(w.earliest == Utc("2026-01-15T09:00:00Z"));
  CHECK(w.latest == w.earliest);
  LocalToUtc s = LondonToUtc(D("2026-07-01"), 9 * 3600);
  CHECK(s.kind == LocalTimeKind::kUnique);
  CHECK(s.earliest == Utc("2026-07-01T08:00:00Z"));
  // 24:00 carries into the next day.
  LocalToUtc midnight = LondonToUtc(D("2026-07-01"), 86400);
  CHECK(midnight.earliest == Utc("2026-07-01T23:00:00Z"));
  // Just before and just after the gap.
  CHECK(LondonToUtc(D("2026-03-29"), 3600 - 1).earliest == Utc("2026-03-29T00:59:59Z"));
  CHECK(LondonToUtc(D("2026-03-29"), 2 * 3600).earliest == Utc("2026-03-29T01:00:00Z"));
}

TEST_CASE("London to UTC: the spring gap maps to the jump", "[london_time]") {
  for (int64_t sod : {3600, 5400, 7199}) {
    LocalToUtc g = LondonToUtc(D("2026-03-29"), sod);
    CHECK(g.kind == LocalTimeKind::kSkipped);
    CHECK(g.earliest == Utc("2026-03-29T01:00:00Z"));
    CHECK(g.latest == g.earliest);
  }
}

TEST_CASE("London to UTC: the autumn overlap has two instants", "[london_time]") {
  LocalToUtc o = LondonToUtc(D("2026-10-25"), 5400);  // 01:30
  CHECK(o.kind == LocalTimeKind::kRepeated);
  CHECK(o.earliest == Utc("2026-10-25T00:30:00Z"));  // 01:30 BST
  CHECK(o.latest == Utc("2026-10-25T01:30:00Z"));    // 01:30 GMT
  CHECK(LondonToUtc(D("2026-10-25"), 3600 - 1).kind == LocalTimeKind::kUnique);
  CHECK(LondonToUtc(D("2026-10-25"), 7200).kind == LocalTimeKind::kUnique);
  CHECK(LondonToUtc(D("2026-10-25"), 7200).earliest == Utc("2026-10-25T02:00:00Z"));
}

TEST_CASE("round trip over several years, every 37 minutes", "[london_time]") {
  const int64_t from = Utc("2023-01-01T00:00:00Z");
  const int64_t to = Utc("2029-01-01T00:00:00Z");
  for (int64_t t = from; t < to; t += 37 * 60 + 11) {
    LondonTime l = UtcToLondon(t);
    LocalToUtc back = LondonToUtc(l.date, SecondOfDay(l));
    REQUIRE(back.kind != LocalTimeKind::kSkipped);
    REQUIRE((back.earliest == t || back.latest == t));
    // In the overlap the GMT reading is the later instant.
    const bool later = back.kind == LocalTimeKind::kRepeated && l.offset_minutes == 0;
    REQUIRE((later ? back.latest : back.earliest) == t);
  }
}

TEST_CASE("dates before 1970", "[london_time]") {
  LondonTime t = UtcToLondon(Utc("1969-12-31T23:59:59Z"));
  CHECK(t.date == D("1969-12-31"));
  CHECK(t.minute_of_day == 1439);
  CHECK(t.second == 59);
}

}  // namespace
}  // namespace muster

// ListReservists, CountReservists and ForEachReservist against a brute-force
// filter over a small generated roster.
#include <catch2/catch.hpp>

#include <algorithm>

#include "store/sqlite_roster_store.h"
#include "store_test_util.h"

namespace muster {
namespace {

using store_test::FullReservist;
using store_test::StoreFixture;

constexpr const char* kAreas[] = {"glos", "worcs", "hereford"};
constexpr const char* kSkills[] = {"first_aid", "driver_4x4", "radio"};

// 40 reservists; deterministic mix of areas, statuses, skills (0..2 each)
// and child rows; a few deleted to leave gaps in the ids.
std::vector<Reservist> Populate(StoreFixture& f) {
  std::vector<Reservist> stored;
  for (int i = 0; i < 40; ++i) {
    Reservist r =
        FullReservist(i % 7 == 0 ? "" : "EXT-" + std::to_string(i), "Person " + std::to_string(i));
    r.home_area = kAreas[i % 3];
    r.status = i % 4 == 0 ? ReservistStatus::kSuspended : ReservistStatus::kActive;
    r.skills.clear();
    for (int s = 0; s < i % 3; ++s) r.skills.push_back({kSkills[(i + s) % 3], 1, "", Date{i}});
    r.availability.resize(i % 4);
    r.unavailable.resize(i % 5 == 0 ? 1 : 0);
    r.channels.resize(1 + i % 3);
    auto out = f.store().UpsertReservist(r);
    REQUIRE(out.ok());
    stored.push_back(out->stored);
  }
  for (int i : {3, 17, 39}) REQUIRE(f.store().DeleteReservist(stored[i].id).ok());
  std::vector<Reservist> left;
  for (int i = 0; i < 40; ++i) {
    if (i != 3 && i != 17 && i != 39) left.push_back(stored[i]);
  }
  return left;
}

bool Matches(const Reservist& r, const ReservistFilter& filter) {
  if (filter.status && r.status != *filter.status) return false;
  if (!filter.home_area.empty() && r.home_area != filter.home_area) return false;
  if (!filter.areas.empty() &&
      std::find(filter.areas.begin(), filter.areas.end(), r.home_area) == filter.areas.end()) {
    return false;
  }
  if (filter.skill.empty()) return true;
  return std::any_of(r.skills.begin(), r.skills.end(),
                     [&](const SkillHolding& h) { return h.skill == filter.skill; });
}

std::vector<ReservistFilter> Filters() {
  std::vector<ReservistFilter> filters;
  for (std::string skill : {"", "first_aid", "radio", "unknown_skill"}) {
    for (std::optional<ReservistStatus> status :
         {std::optional<ReservistStatus>(), std::optional(ReservistStatus::kActive),
          std::optional(ReservistStatus::kSuspended)}) {
      for (std::string area : {"", "glos", "hereford", "nowhere"}) {
        filters.push_back({skill, status, area, {}});
      }
      // An area-scoped caller's view: several areas at once.
      filters.push_back({skill, status, "", {"glos", "hereford"}});
      filters.push_back({skill, status, "glos", {"glos", "worcs"}});
      filters.push_back({skill, status, "", {"nowhere"}});
    }
  }
  return filters;
}

std::string Describe(const ReservistFilter& f) {
  return "skill=" + f.skill +
         " status=" + (f.status ? std::to_string(static_cast<int>(*f.status)) : "any") +
         " area=" + f.home_area + " areas=" + std::to_string(f.areas.size());
}

TEST_CASE("List pages, counts and streams match a brute-force filter", "[store][query]") {
  StoreFixture f;
  std::vector<Reservist> all = Populate(f);
  for (const ReservistFilter& filter : Filters()) {
    INFO(Describe(filter));
    std::vector<Reservist> expected;
    for (const Reservist& r : all) {
      if (Matches(r, filter)) expected.push_back(r);
    }
    CHECK(*f.store().CountReservists(filter) == static_cast<int64_t>(expected.size()));

    std::vector<Reservist> paged;
    int64_t after = 0;
    for (;;) {
      auto page = f.store().ListReservists(filter, after, 4);
      REQUIRE(page.ok());
      REQUIRE(page->size() <= 4);
      paged.insert(paged.end(), page->begin(), page->end());
      if (page->size() < 4) break;
      after = page->back().id;
    }
    CHECK(paged == expected);

    std::vector<Reservist> streamed;
    REQUIRE(f.store()
                .ForEachReservist(filter,
                                  [&](const Reservist& r) {
                                    streamed.push_back(r);
                                    return true;
                                  })
                .ok());
    CHECK(streamed == expected);
  }
}

TEST_CASE("ForEachReservist returns what GetReservist does, in id order", "[store][query]") {
  StoreFixture f;
  std::vector<Reservist> all = Populate(f);
  int64_t last_id = 0;
  size_t n = 0;
  REQUIRE(f.store()
              .ForEachReservist({},
                                [&](const Reservist& r) {
                                  CHECK(r.id > last_id);
                                  last_id = r.id;
                                  CHECK(r == *f.store().GetReservist(r.id));
                                  ++n;
                                  return true;
                                })
              .ok());
  CHECK(n == all.size());
}

TEST_CASE("ForEachReservist stops when told", "[store][query]") {
  StoreFixture f;
  Populate(f);
  int calls = 0;
  REQUIRE(f.store().ForEachReservist({}, [&](const Reservist&) { return ++calls < 5; }).ok());
  CHECK(calls == 5);
}

TEST_CASE("ForEachReservist reads one snapshot while others write", "[store][query]") {
  StoreFixture f;
  std::vector<Reservist> all = Populate(f);
  size_t n = 0;
  REQUIRE(f.store()
              .ForEachReservist({},
                                [&](const Reservist& r) {
                                  if (n++ == 0) {
                                    // Writes during the stream are not seen by it.
                                    REQUIRE(f.store().DeleteReservist(all.back().id).ok());
                                    REQUIRE(f.store().UpsertReservist(FullReservist("new")).ok());
                                  }
                                  return r.id != 0;
                                })
              .ok());
  CHECK(n == all.size());
  CHECK(*f.store().CountReservists({}) == static_cast<int64_t>(all.size()));
}

TEST_CASE("ListReservists edge cases", "[store][query]") {
  StoreFixture f;
  CHECK(f.store().ListReservists({}, 0, 10)->empty());
  std::vector<Reservist> all = Populate(f);
  CHECK(f.store().ListReservists({}, 0, 0)->empty());
  CHECK(f.store().ListReservists({}, all.back().id, 10)->empty());
  auto one = f.store().ListReservists({}, all[4].id - 1, 1);
  REQUIRE(one->size() == 1);
  CHECK(one->front() == all[4]);
}

}  // namespace
}  // namespace muster

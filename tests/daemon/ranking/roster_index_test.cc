// RosterIndex against a brute-force reference (the eligibility rules applied
// to every reservist), through bulk load, Upsert and Remove; plus the index's
// own contract.
#include "ranking/roster_index.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "demo/synthetic_roster.h"
#include "ranking/activation_ranker.h"
#include "ranking/eligibility.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

using testing::Day;
using testing::Utc;

using Roster = std::map<int64_t, Reservist>;

#define EXPECT_OK_OR_ABORT(expr)    \
  do {                              \
    if (!(expr).ok()) std::abort(); \
  } while (0)

// A seeded random activation around the West Midlands.
RankRequest RandomRequest(std::mt19937_64& rng, const std::vector<Skill>& skills) {
  std::uniform_real_distribution<double> unit(0, 1);
  RankRequest r;
  r.lat = 52.2 + unit(rng) * 0.6;
  r.lon = -2.4 + unit(rng) * 0.8;
  r.radius_km = 2 + unit(rng) * 78;
  // Some around the clock changes, some any time in 2026.
  const int64_t anchors[] = {
      Utc("2026-03-28T18:00:00Z"), Utc("2026-10-24T18:00:00Z"),
      Utc("2026-01-01T00:00:00Z") + static_cast<int64_t>(unit(rng) * 365 * 86400)};
  r.start_unix = anchors[rng() % 3] + static_cast<int64_t>(unit(rng) * 12) * 1800;
  r.duration_minutes = 30 + static_cast<int32_t>(unit(rng) * 72 * 60);
  const size_t n = 1 + rng() % 3;
  std::vector<Skill> pool = skills;
  std::shuffle(pool.begin(), pool.end(), rng);
  for (size_t i = 0; i < n; ++i) {
    const Skill& s = pool[i];
    r.requirements.push_back(
        {s.code, s.min_level + static_cast<int>(rng() % 2), 1 + static_cast<int>(rng() % 6)});
  }
  return r;
}

std::vector<BusyReservist> RandomBusy(std::mt19937_64& rng, const Roster& roster) {
  std::vector<BusyReservist> busy;
  for (const auto& [id, r] : roster) {
    if (rng() % 20 == 0) busy.push_back({id, 1000 + static_cast<int64_t>(rng() % 5)});
  }
  return busy;
}

using Lists = std::vector<std::vector<EligibleCandidate>>;

Lists Reference(const Roster& roster, const PreparedRequest& request) {
  Lists out(request.requirements.size());
  for (const auto& [id, r] : roster) {
    if (!request.areas.empty() &&
        !std::binary_search(request.areas.begin(), request.areas.end(), r.home_area)) {
      continue;
    }
    const EligibilityVerdict v = EvaluateEligibility(ReservistFacts::FromReservist(r), request);
    for (size_t i = 0; i < out.size(); ++i) {
      if (v.eligible[i]) out[i].push_back({id, v.distance_km, v.level[i]});
    }
  }
  return out;
}

void SortById(Lists& lists) {
  for (auto& l : lists) {
    std::sort(l.begin(), l.end(),
              [](const auto& a, const auto& b) { return a.reservist_id < b.reservist_id; });
  }
}

// Every request: same eligible sets, same distances (bit for bit), same
// selection as the reference.
void CheckAgainstReference(const RosterIndex& index, const Roster& roster, std::mt19937_64& rng,
                           int requests) {
  const RankingConfig config;
  const auto skills = StandardSkillCatalogue();
  int64_t total_eligible = 0;
  for (int q = 0; q < requests; ++q) {
    RankRequest request = RandomRequest(rng, skills);
    request.busy = RandomBusy(rng, roster);
    if (q % 3 == 1) {
      // Area-scoped: the home areas of two reservists, and one nobody has.
      auto pick = [&] {
        return std::next(roster.begin(), rng() % roster.size())->second.home_area;
      };
      request.areas = {pick(), "nowhere_at_all", pick()};
    }
    auto prepared = index.Prepare(request);
    REQUIRE(prepared.ok());
    Lists fast;
    index.CollectEligible(*prepared, fast);
    Lists slow = Reference(roster, *prepared);
    SortById(fast);
    SortById(slow);
    for (size_t i = 0; i < slow.size(); ++i) {
      INFO("request " << q << " requirement " << i);
      REQUIRE(fast[i].size() == slow[i].size());
      for (size_t k = 0; k < slow[i].size(); ++k) {
        REQUIRE(fast[i][k].reservist_id == slow[i][k].reservist_id);
        REQUIRE(fast[i][k].distance_km == slow[i][k].distance_km);
        REQUIRE(fast[i][k].level == slow[i][k].level);
      }
      total_eligible += static_cast<int64_t>(slow[i].size());
    }
    const Scorer scorer(config, *prepared->history, prepared->window.start_unix(),
                        prepared->radius_km);
    const RankResult expected = SelectCandidates(prepared->requirements, slow, scorer, config);
    auto ranked = ActivationRanker(index, config).Rank(request);
    REQUIRE(ranked.ok());
    REQUIRE(ranked->selected == expected.selected);
  }
  CHECK(total_eligible > requests);  // the cases are not vacuous
}

void Mutate(Reservist& r, std::mt19937_64& rng, const SyntheticRoster& gen) {
  switch (rng() % 6) {
    case 0:  // moved house
      r.lat += (static_cast<double>(rng() % 2001) - 1000) / 10000;
      r.lon += (static_cast<double>(rng() % 2001) - 1000) / 10000;
      break;
    case 1:
      r.status = r.status == ReservistStatus::kActive ? ReservistStatus::kSuspended
                                                      : ReservistStatus::kActive;
      break;
    case 2: {  // a different profile, same person
      const int64_t id = r.id;
      r = gen.GenerateNear(static_cast<int64_t>(rng() % 100000), 52.5, -1.9, 60);
      r.id = id;
      break;
    }
    case 3:
      if (!r.skills.empty()) r.skills.pop_back();
      break;
    case 4:  // dated unavailability, some long (filed apart by the calendar)
      r.unavailable.clear();
      for (uint64_t k = rng() % 3; k > 0; --k) {
        const int32_t from = Day("2026-01-01").days + static_cast<int32_t>(rng() % 365);
        r.unavailable.push_back(
            {Date{from}, Date{from + static_cast<int32_t>(rng() % 2 ? rng() % 14 : rng() % 120)},
             ""});
      }
      break;
    default:  // exact in sixteenths of a km, or not (read from the record)
      r.max_travel_km = rng() % 2 ? 5 + static_cast<double>(rng() % 96)
                                  : 5 + static_cast<double>(rng() % 96000) / 1000 + 1e-9;
  }
}

TEST_CASE("index equals the brute-force reference through updates", "[index]") {
  SyntheticRosterOptions options;
  options.seed = 42;
  const SyntheticRoster gen(options);
  Roster roster;
  for (int64_t i = 0; i < 3000; ++i) {
    Reservist r = i % 4 == 0 ? gen.Generate(i) : gen.GenerateNear(i, 52.5, -1.9, 70);
    roster[r.id] = r;
  }
  RosterIndex index;
  index.SetSkills(StandardSkillCatalogue());
  REQUIRE(index
              .Rebuild([&](const ReservistSink& sink) {
                for (const auto& [id, r] : roster) {
                  if (!sink(r)) break;
                }
                return Status::Ok();
              })
              .ok());
  REQUIRE(index.size() == 3000);
  std::mt19937_64 rng(7);
  CheckAgainstReference(index, roster, rng, 40);

  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 600; ++k) {
      auto it = std::next(roster.begin(), static_cast<long>(rng() % roster.size()));
      if (rng() % 4 == 0) {
        REQUIRE(index.Remove(it->first));
        roster.erase(it);
      } else {
        Mutate(it->second, rng, gen);
        REQUIRE(index.Upsert(it->second).ok());
      }
    }
    for (int k = 0; k < 150; ++k) {  // newcomers, reusing freed slots
      Reservist r = gen.GenerateNear(5000 + round * 1000 + k, 52.5, -1.9, 70);
      roster[r.id] = r;
      REQUIRE(index.Upsert(r).ok());
    }
    REQUIRE(index.size() == static_cast<int64_t>(roster.size()));
    CheckAgainstReference(index, roster, rng, 25);
  }
  for (const auto& [id, r] : roster) {
    REQUIRE(index.Find(id) == ReservistFacts::FromReservist(r));
  }
}

TEST_CASE("readers rank while a writer updates", "[index]") {
  const SyntheticRoster gen;
  RosterIndex index;
  index.SetSkills(StandardSkillCatalogue());
  for (int64_t i = 0; i < 4000; ++i)
    REQUIRE(index.Upsert(gen.GenerateNear(i, 52.5, -1.9, 60)).ok());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> ranked{0};
  auto reader = [&] {
    const ActivationRanker ranker(index);
    std::mt19937_64 rng(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    const auto skills = StandardSkillCatalogue();
    while (!stop) {
      RankRequest r = RandomRequest(rng, skills);
      r.busy = {{1, 2}, {3, 4}};
      auto result = ranker.Rank(r);
      if (!result.ok()) std::abort();
      ++ranked;
    }
  };
  std::thread a(reader), b(reader);
  std::mt19937_64 rng(3);
  for (int k = 0; k < 3000; ++k) {
    const int64_t i = static_cast<int64_t>(rng() % 5000);
    if (rng() % 3 == 0) {
      index.Remove(i + 1);
    } else {
      REQUIRE(
          index
              .Upsert(gen.GenerateNear(i + static_cast<int64_t>(rng() % 7) * 10000, 52.5, -1.9, 60))
              .ok());
    }
  }
  stop = true;
  a.join();
  b.join();
  CHECK(ranked > 0);
}

TEST_CASE("upsert, remove and find", "[index]") {
  RosterIndex index;
  index.SetSkills(testing::TestSkills());
  CHECK(index.Upsert(testing::Person(0)).code() == Code::kInvalidArgument);
  REQUIRE(index.Upsert(testing::Person(5)).ok());
  REQUIRE(index.Upsert(testing::Person(5)).ok());  // replace, not duplicate
  CHECK(index.size() == 1);
  auto ranked = ActivationRanker(index).Rank(testing::Request());
  REQUIRE(ranked.ok());
  REQUIRE(ranked->selected.size() == 1);
  CHECK(index.Remove(5));
  CHECK_FALSE(index.Remove(5));
  CHECK_FALSE(index.Find(5).has_value());
  ranked = ActivationRanker(index).Rank(testing::Request());
  REQUIRE(ranked.ok());
  CHECK(ranked->selected.empty());
  CHECK(ranked->requirements[0].shortfall == 1);
  // ApplyChanges: one batch.
  REQUIRE(index.ApplyChanges({testing::Person(6), testing::Person(7)}, {6}).ok());
  CHECK(index.size() == 1);
  CHECK(index.Find(7).has_value());
}

TEST_CASE("a failed rebuild leaves the index as it was", "[index]") {
  RosterIndex index;
  REQUIRE(index.Upsert(testing::Person(1)).ok());
  Status s = index.Rebuild([](const ReservistSink& sink) {
    sink(testing::Person(2));
    sink(testing::Person(-3));
    return Status::Ok();
  });
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(index.size() == 1);
  CHECK(index.Find(1).has_value());
  s = index.Rebuild([](const ReservistSink&) { return Status::Unavailable("disk on fire"); });
  CHECK(s.code() == Code::kUnavailable);
  CHECK(index.size() == 1);
}

TEST_CASE("writes made during a rebuild survive it", "[index]") {
  RosterIndex index;
  REQUIRE(index.Upsert(testing::Person(1)).ok());
  REQUIRE(index.Upsert(testing::Person(2)).ok());
  REQUIRE(index
              .Rebuild([&](const ReservistSink& sink) {
                sink(testing::Person(1));  // the source's snapshot: 1 and 2
                // Writes committed after the snapshot, e.g. by a store listener.
                EXPECT_OK_OR_ABORT(index.Upsert(testing::Person(3)));
                index.Remove(1);
                sink(testing::Person(2));
                return Status::Ok();
              })
              .ok());
  CHECK(index.size() == 2);
  CHECK_FALSE(index.Find(1).has_value());
  CHECK(index.Find(2).has_value());
  CHECK(index.Find(3).has_value());
  // A failed rebuild keeps the current roster, with the writes made meanwhile.
  CHECK_FALSE(index
                  .Rebuild([&](const ReservistSink&) {
                    EXPECT_OK_OR_ABORT(index.Upsert(testing::Person(4)));
                    return Status::Unavailable("gone");
                  })
                  .ok());
  CHECK(index.size() == 3);
  CHECK(index.Find(4).has_value());
}

TEST_CASE("request validation names the field", "[index]") {
  RosterIndex index;
  index.SetSkills(testing::TestSkills());
  auto field = [&](RankRequest r) { return index.Prepare(r).status().field(); };
  RankRequest r = testing::Request();
  CHECK(index.Prepare(r).ok());
  r.radius_km = 0;
  CHECK(field(r) == "radius_km");
  r.radius_km = 1000.5;
  CHECK(field(r) == "radius_km");
  r = testing::Request();
  r.duration_minutes = 0;
  CHECK(field(r) == "duration_minutes");
  r = testing::Request();
  r.requirements.clear();
  CHECK(field(r) == "requirements");
  r = testing::Request();
  r.requirements.push_back({"first_aid", 1, 1});
  CHECK(field(r) == "requirements[1].skill");  // twice
  r.requirements[1] = {"driver_4x4", 1, 0};
  CHECK(field(r) == "requirements[1].count");
  r.requirements[1] = {"driver_4x4", 4, 1};
  CHECK(field(r) == "requirements[1].min_level");
  r.requirements[1] = {"knitting", 1, 1};
  CHECK(field(r) == "requirements[1].skill");
  CHECK(index.Prepare(r).status().ToString() == "requirements[1].skill: unknown skill 'knitting'");
  r = testing::Request();
  r.lat = 91;
  CHECK(field(r) == "lat");
  // min_level 0 means the skill's lowest level.
  r = testing::Request();
  r.requirements[0].min_level = 0;
  auto prepared = index.Prepare(r);
  REQUIRE(prepared.ok());
  CHECK(prepared->requirements[0].min_level == 1);
}

TEST_CASE("memory per reservist stays compact", "[index]") {
  const SyntheticRoster gen;
  RosterIndex index;
  REQUIRE(index
              .Rebuild([&](const ReservistSink& sink) {
                for (int64_t i = 0; i < 50000; ++i) sink(gen.Generate(i));
                return Status::Ok();
              })
              .ok());
  const IndexMemory m = index.Memory();
  INFO("records " << m.records << " postings " << m.postings << " pools " << m.pools << " hash "
                  << m.hash_tables);
  CHECK(m.per_reservist() < 200);
}

}  // namespace
}  // namespace muster

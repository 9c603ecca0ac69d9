// The index's building blocks: the compact hash index and interned weekly
// patterns.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "ranking/open_hash_index.h"
#include "ranking/window_patterns.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

TEST_CASE("OpenHashIndex finds, inserts and erases like a map", "[index_parts]") {
  std::vector<uint64_t> keys;  // value v has key keys[v]
  auto key_of = [&](uint32_t v) { return keys[v]; };
  OpenHashIndex index;
  std::map<uint64_t, uint32_t> reference;
  std::mt19937_64 rng(5);
  for (int step = 0; step < 200000; ++step) {
    const uint64_t key = rng() % 5000;  // dense keys: long probe runs
    auto it = reference.find(key);
    if (it == reference.end()) {
      keys.push_back(key);
      const uint32_t v = static_cast<uint32_t>(keys.size() - 1);
      index.Insert(v, key_of);
      reference[key] = v;
    } else if (rng() % 2) {
      REQUIRE(index.Erase(key, key_of));
      reference.erase(it);
    }
    const uint64_t probe = rng() % 5000;
    auto ref = reference.find(probe);
    REQUIRE(index.Find(probe, key_of) ==
            (ref == reference.end() ? OpenHashIndex::kNone : ref->second));
  }
  CHECK(index.size() == reference.size());
  CHECK_FALSE(index.Erase(999999, key_of));
}

TEST_CASE("weekly patterns are shared and freed with their last user", "[index_parts]") {
  WindowPatterns patterns;
  const std::vector<WeekInterval> evenings = {{1080, 1380}, {2520, 2820}};
  const std::vector<WeekInterval> weekend = {{7200, 10080}};
  CHECK(patterns.Intern({}) == WindowPatterns::kAnyTime);
  const uint32_t a = patterns.Intern(evenings);
  const uint32_t b = patterns.Intern(evenings);
  const uint32_t c = patterns.Intern(weekend);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(patterns.live() == 2);
  patterns.Release(a);
  CHECK(patterns.live() == 2);
  patterns.Release(b);
  CHECK(patterns.live() == 1);
  CHECK(std::vector<WeekInterval>(patterns.Get(c).begin(), patterns.Get(c).end()) == weekend);
  // Many distinct patterns come and go; the survivors stay intact through
  // compaction.
  std::map<uint32_t, std::vector<WeekInterval>> alive;
  for (uint16_t i = 1; i < 6000; ++i) {
    std::vector<WeekInterval> p = {{i, static_cast<uint16_t>(i + 1)}, {7000, 7001}};
    alive[patterns.Intern(p)] = p;
  }
  for (auto it = alive.begin(); it != alive.end();) {
    if (it->first % 3) {
      patterns.Release(it->first);
      it = alive.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [id, p] : alive) {
    REQUIRE(std::vector<WeekInterval>(patterns.Get(id).begin(), patterns.Get(id).end()) == p);
  }
  PatternVerdicts verdicts;
  verdicts.Begin(patterns.id_limit());
  const std::vector<WeekInterval> saturday = {{7300, 7400}};
  CHECK(verdicts.Covers(patterns, c, saturday));
  CHECK(verdicts.Covers(patterns, c, saturday));  // memoised
  verdicts.Begin(patterns.id_limit());
  CHECK_FALSE(verdicts.Covers(patterns, c, std::vector<WeekInterval>{{100, 200}}));
}

}  // namespace
}  // namespace muster

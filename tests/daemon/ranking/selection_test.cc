// The score formula against hand-computed values, and first-wave selection:
// scarcest first, one slot per person, over-ask, expected-accepts sizing and
// shortfall.
#include <catch2/catch.hpp>

#include <memory>

#include "ranking/ranking_config.h"
#include "ranking/scorer.h"
#include "ranking/selection.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

using testing::Utc;

const int64_t kStart = Utc("2026-07-15T07:00:00Z");

ResolvedRequirement Req(const char* skill, int count, int min_level = 1, int max_level = 3) {
  return {skill, min_level, count, 1, max_level};
}

TEST_CASE("score parts without history", "[scoring]") {
  const RankingConfig config;
  const HistoryTable none;
  const Scorer scorer(config, none, kStart, 40);
  // 10 km of 40: 0.4 * 0.75; level 3 over min 1 of max 3: 0.2 * 1;
  // never deployed, no call-outs: 0.25 * 1; p = 0.5 (default): 0.15 * 0.5.
  const ScoreParts s = scorer.Score(10, 3, Req("first_aid", 1), nullptr);
  CHECK(s.distance == Approx(0.30));
  CHECK(s.level == Approx(0.20));
  CHECK(s.fairness == Approx(0.25));
  CHECK(s.reliability == Approx(0.075));
  CHECK(s.total == Approx(0.825));
  // Level 2 of range [1, 3]: half; at the minimum 0; a single-level range 0.
  CHECK(scorer.Score(0, 2, Req("first_aid", 1), nullptr).level == Approx(0.10));
  CHECK(scorer.Score(0, 1, Req("first_aid", 1), nullptr).level == 0.0);
  CHECK(scorer.Score(0, 3, Req("first_aid", 1, 3, 3), nullptr).level == 0.0);
  CHECK(scorer.Score(0, 1, Req("first_aid", 1), nullptr).distance == Approx(0.40));
  CHECK(scorer.Score(40, 1, Req("first_aid", 1), nullptr).distance == 0.0);
}

TEST_CASE("score parts with history", "[scoring]") {
  RankingConfig config;
  // Roster-wide: 40 asked, 30 accepted -> rate 0.75 (>= 20 asked: trusted).
  auto history = std::make_shared<HistoryTable>(std::vector<ReservistHistory>{
      {1, kStart - 7 * 86400, 1, 10, 5, 4},  // deployed a week ago, 1 call-out this month
      {2, 0, 0, 30, 25, 5}});
  const Scorer scorer(config, *history, kStart, 40);
  REQUIRE(scorer.SizesByExpectedAccepts());
  CHECK(scorer.roster_accept_rate() == Approx(0.75));
  const ReservistHistory* h1 = history->Find(1);
  // rest = 7 / 28 = 0.25, load = 1 / 2; fairness = 0.25 * (0.5 * 0.25 + 0.5 * 0.5).
  // p = (5 + 4 * 0.75) / (10 + 4) = 8 / 14.
  const ScoreParts s = scorer.Score(20, 1, Req("first_aid", 1), h1);
  CHECK(s.distance == Approx(0.20));
  CHECK(s.fairness == Approx(0.09375));
  CHECK(scorer.AcceptProbability(h1) == Approx(8.0 / 14));
  CHECK(s.reliability == Approx(0.15 * 8 / 14));
  CHECK(s.total == Approx(0.20 + 0 + 0.09375 + 0.15 * 8 / 14));
  // No row: prior mean.
  CHECK(scorer.AcceptProbability(nullptr) == Approx(0.75));
  // Rest saturates after 28 days.
  ReservistHistory rested{3, kStart - 60 * 86400, 0, 0, 0, 0};
  CHECK(scorer.Score(0, 1, Req("first_aid", 1), &rested).fairness == Approx(0.25));
}

std::vector<EligibleCandidate> Candidates(int64_t first_id, int n, double first_km = 1) {
  std::vector<EligibleCandidate> out;
  for (int i = 0; i < n; ++i) out.push_back({first_id + i, first_km + i, 1});
  return out;
}

std::vector<int64_t> SelectedFor(const RankResult& r, int requirement) {
  std::vector<int64_t> ids;
  for (const auto& c : r.selected) {
    if (c.requirement_index == requirement) ids.push_back(c.reservist_id);
  }
  return ids;
}

TEST_CASE("over-ask without history, ranked by distance then id", "[selection]") {
  const RankingConfig config;
  const HistoryTable none;
  const Scorer scorer(config, none, kStart, 50);
  std::vector<std::vector<EligibleCandidate>> eligible = {Candidates(100, 10)};
  // Shuffle the input: the result must not depend on order.
  std::swap(eligible[0][0], eligible[0][7]);
  // Two at the same distance: the lower id first.
  eligible[0].push_back({99, 3, 1});
  const RankResult r = SelectCandidates({Req("first_aid", 3)}, eligible, scorer, config);
  // ceil(3 * 1.5) = 5 asked.
  CHECK(SelectedFor(r, 0) == std::vector<int64_t>{100, 101, 99, 102, 103});
  CHECK(r.requirements[0].asked == 5);
  CHECK(r.requirements[0].eligible == 11);
  CHECK(r.requirements[0].shortfall == 0);
  CHECK(r.requirements[0].sizing == WaveSizing::kOverAsk);
  CHECK(r.selected[2].rank == 3);
  CHECK(r.selected[0].score.total > r.selected[1].score.total);
}

TEST_CASE("scarcest requirement first — a person fills one slot", "[selection]") {
  const RankingConfig config;
  const HistoryTable none;
  const Scorer scorer(config, none, kStart, 50);
  // first_aid: 20 eligible for 2 (scarcity 10); flood_rescue: 3 for 2 (1.5).
  // Reservists 1..3 hold both and are the closest first aiders too.
  std::vector<std::vector<EligibleCandidate>> eligible = {Candidates(1, 20), Candidates(1, 3)};
  const RankResult r =
      SelectCandidates({Req("first_aid", 2), Req("flood_rescue", 2)}, eligible, scorer, config);
  CHECK(r.requirements[1].fill_order == 0);
  CHECK(r.requirements[0].fill_order == 1);
  CHECK(SelectedFor(r, 1) == std::vector<int64_t>{1, 2, 3});  // ceil(2 * 1.5) = 3
  CHECK(SelectedFor(r, 0) == std::vector<int64_t>{4, 5, 6});
  // Ranks are among all eligible for the requirement, taken or not.
  CHECK(r.selected[0].rank == 4);
  CHECK(r.requirements[1].scarcity == Approx(1.5));
}

TEST_CASE("shortfall when too few are eligible", "[selection]") {
  const RankingConfig config;
  const HistoryTable none;
  const Scorer scorer(config, none, kStart, 50);
  std::vector<std::vector<EligibleCandidate>> eligible = {Candidates(1, 2), Candidates(1, 2)};
  const RankResult r =
      SelectCandidates({Req("first_aid", 2), Req("driver_4x4", 1)}, eligible, scorer, config);
  // first_aid (2 eligible for 2: scarcity 1) goes before driver_4x4 (2 for 1).
  CHECK(r.requirements[0].fill_order == 0);
  CHECK(SelectedFor(r, 0) == std::vector<int64_t>{1, 2});
  CHECK(r.requirements[0].shortfall == 0);
  CHECK(SelectedFor(r, 1).empty());
  CHECK(r.requirements[1].shortfall == 1);
  std::vector<std::vector<EligibleCandidate>> none_eligible = {{}};
  const RankResult empty = SelectCandidates({Req("first_aid", 4)}, none_eligible, scorer, config);
  CHECK(empty.requirements[0].shortfall == 4);
  CHECK(empty.requirements[0].scarcity == 0);
}

TEST_CASE("expected-accepts sizing once there is history", "[selection]") {
  const RankingConfig config;
  // Roster rate 0.5 over 40 asks. Reservist 1 always accepts, 2 never does.
  auto history = std::make_shared<HistoryTable>(std::vector<ReservistHistory>{
      {1, 0, 0, 16, 16, 0}, {2, 0, 0, 16, 0, 16}, {50, 0, 0, 8, 4, 4}});
  const Scorer scorer(config, *history, kStart, 50);
  REQUIRE(scorer.SizesByExpectedAccepts());
  // p(1) = (16 + 2) / 20 = 0.9, p(2) = 2 / 20 = 0.1, others 0.5.
  std::vector<std::vector<EligibleCandidate>> eligible = {Candidates(1, 20)};
  const RankResult r = SelectCandidates({Req("first_aid", 3)}, eligible, scorer, config);
  CHECK(r.requirements[0].sizing == WaveSizing::kExpectedAccepts);
  // Need 3 * 1.2 = 3.6 expected accepts. Reservist 2's low p also drops
  // their score: order 1, 3, 4, 5, 6, ... Sum: 0.9 + 0.5 * 6 = 3.9 >= 3.6
  // after 7 people (0.9 + 2.5 = 3.4 after 6).
  CHECK(r.requirements[0].asked == 7);
  CHECK(r.requirements[0].expected_accepts == Approx(3.9));
  CHECK(SelectedFor(r, 0) == std::vector<int64_t>{1, 3, 4, 5, 6, 7, 8});
  CHECK(r.selected[0].accept_probability == Approx(0.9));
}

TEST_CASE("expected-accepts never asks fewer than count, nor more than the cap", "[selection]") {
  RankingConfig config;
  // Everyone accepts: p close to 1, so count people would do; ask count.
  std::vector<ReservistHistory> rows;
  for (int64_t id = 1; id <= 20; ++id) rows.push_back({id, 0, 0, 50, 50, 0});
  const HistoryTable keen(rows);
  const Scorer keen_scorer(config, keen, kStart, 50);
  std::vector<std::vector<EligibleCandidate>> eligible = {Candidates(1, 20)};
  RankResult r = SelectCandidates({Req("first_aid", 4)}, eligible, keen_scorer, config);
  CHECK(r.requirements[0].asked == 5);  // p = 1: 4 < 4 * 1.2 <= 5
  // Nobody accepts: capped at ceil(4 * 3) = 12.
  for (auto& row : rows) row.accepted = 0, row.declined = 50;
  const HistoryTable reluctant(rows);
  const Scorer reluctant_scorer(config, reluctant, kStart, 50);
  r = SelectCandidates({Req("first_aid", 4)}, eligible, reluctant_scorer, config);
  CHECK(r.requirements[0].asked == 12);
}

TEST_CASE("config validation names the field", "[scoring]") {
  RankingConfig c;
  CHECK(c.Validate().ok());
  c.over_ask = 0.5;
  CHECK(c.Validate().field() == "over_ask");
  c = RankingConfig{};
  c.weight_level = -1;
  CHECK(c.Validate().field() == "weight_level");
  c = RankingConfig{};
  c.max_ask_factor = 1.2;
  CHECK(c.Validate().field() == "max_ask_factor");
}

}  // namespace
}  // namespace muster

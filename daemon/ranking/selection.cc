#include "ranking/selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace muster {

namespace {

struct Scored {
  double total;
  int64_t id;
  uint32_t index;  // into the eligible list
};

// Higher score first, then lower id: a total order. A function object, so
// the heap and sort calls inline it.
struct BetterThan {
  bool operator()(const Scored& a, const Scored& b) const {
    return a.total > b.total || (a.total == b.total && a.id < b.id);
  }
};
constexpr BetterThan Better;

int CeilTimes(int count, double factor) {
  return static_cast<int>(std::ceil(count * factor - 1e-9));
}

const ReservistHistory* HistoryOf(const Scorer& scorer, int64_t id) {
  return scorer.history().size() == 0 ? nullptr : scorer.history().Find(id);
}

// Scores every candidate into `scored` (resized to the list).
void ScoreAll(const std::vector<EligibleCandidate>& list, const ResolvedRequirement& req,
              const Scorer& scorer, std::vector<Scored>& scored) {
  scored.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const EligibleCandidate& c = list[i];
    const double total =
        scorer.Score(c.distance_km, c.level, req, HistoryOf(scorer, c.reservist_id)).total;
    scored[i] = {total, c.reservist_id, static_cast<uint32_t>(i)};
  }
}

// The best `reach` candidates of a list, best first, scored on the way: a
// bounded heap whose front is the worst kept, so most candidates cost one
// comparison.
void BestCandidates(const std::vector<EligibleCandidate>& list, const ResolvedRequirement& req,
                    const Scorer& scorer, size_t reach, std::vector<Scored>& best) {
  best.clear();
  if (reach == 0) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const EligibleCandidate& c = list[i];
    const Scored s{
        scorer.Score(c.distance_km, c.level, req, HistoryOf(scorer, c.reservist_id)).total,
        c.reservist_id, static_cast<uint32_t>(i)};
    if (best.size() < reach) {
      best.push_back(s);
      std::push_heap(best.begin(), best.end(), Better);
    } else if (Better(s, best.front())) {
      std::pop_heap(best.begin(), best.end(), Better);
      best.back() = s;
      std::push_heap(best.begin(), best.end(), Better);
    }
  }
  std::sort_heap(best.begin(), best.end(), Better);
}

// Orders requirements by scarcity (eligible / count), then request order.
std::vector<size_t> FillOrder(const std::vector<RequirementOutcome>& outcomes) {
  std::vector<size_t> order(outcomes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return outcomes[a].scarcity < outcomes[b].scarcity; });
  return order;
}

// Fills one requirement from its list, skipping reservists already taken.
void FillRequirement(size_t r, const std::vector<EligibleCandidate>& list, const Scorer& scorer,
                     const RankingConfig& config, std::unordered_set<int64_t>& taken,
                     RequirementOutcome& outcome, std::vector<RankedCandidate>& selected) {
  const ResolvedRequirement& req = outcome.requirement;
  const bool by_accepts = scorer.SizesByExpectedAccepts();
  outcome.sizing = by_accepts ? WaveSizing::kExpectedAccepts : WaveSizing::kOverAsk;
  const int cap = by_accepts ? CeilTimes(req.count, config.max_ask_factor)
                             : CeilTimes(req.count, config.over_ask);
  const double wanted_accepts = req.count * config.safety_margin;
  // Only the best cap + |taken| can be reached.
  thread_local std::vector<Scored> scored;
  BestCandidates(list, req, scorer, static_cast<size_t>(cap) + taken.size(), scored);
  for (size_t i = 0; i < scored.size() && outcome.asked < cap; ++i) {
    if (by_accepts && outcome.asked >= req.count && outcome.expected_accepts >= wanted_accepts) {
      break;
    }
    if (taken.count(scored[i].id)) continue;
    const EligibleCandidate& c = list[scored[i].index];
    const ReservistHistory* h = HistoryOf(scorer, c.reservist_id);
    RankedCandidate out{c.reservist_id,
                        static_cast<int>(r),
                        req.skill,
                        static_cast<int>(i + 1),
                        c.distance_km,
                        c.level,
                        scorer.AcceptProbability(h),
                        scorer.Score(c.distance_km, c.level, req, h)};
    outcome.expected_accepts += out.accept_probability;
    ++outcome.asked;
    taken.insert(c.reservist_id);
    selected.push_back(std::move(out));
  }
  outcome.shortfall = std::max(0, req.count - outcome.asked);
}

}  // namespace

RankResult SelectCandidates(const std::vector<ResolvedRequirement>& requirements,
                            const std::vector<std::vector<EligibleCandidate>>& eligible,
                            const Scorer& scorer, const RankingConfig& config) {
  RankResult result;
  result.requirements.resize(requirements.size());
  for (size_t i = 0; i < requirements.size(); ++i) {
    RequirementOutcome& o = result.requirements[i];
    o.requirement = requirements[i];
    o.eligible = static_cast<int64_t>(eligible[i].size());
    o.scarcity = static_cast<double>(o.eligible) / requirements[i].count;
  }
  const std::vector<size_t> order = FillOrder(result.requirements);
  std::unordered_set<int64_t> taken;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t r = order[k];
    result.requirements[r].fill_order = static_cast<int>(k);
    FillRequirement(r, eligible[r], scorer, config, taken, result.requirements[r], result.selected);
  }
  // With one requirement nobody is taken elsewhere (and the lists can be
  // long): only count when there are several.
  if (requirements.size() > 1) {
    for (size_t r = 0; r < requirements.size(); ++r) {
      int64_t taken_here = 0;
      for (const EligibleCandidate& c : eligible[r]) taken_here += taken.count(c.reservist_id);
      result.requirements[r].asked_elsewhere = taken_here - result.requirements[r].asked;
    }
  }
  std::sort(result.selected.begin(), result.selected.end(),
            [](const RankedCandidate& a, const RankedCandidate& b) {
              return a.requirement_index < b.requirement_index ||
                     (a.requirement_index == b.requirement_index && a.rank < b.rank);
            });
  return result;
}

int RankWithin(const std::vector<EligibleCandidate>& eligible, int64_t reservist_id,
               const ResolvedRequirement& requirement, const Scorer& scorer) {
  std::vector<Scored> scored;
  ScoreAll(eligible, requirement, scorer, scored);
  auto self = std::find_if(scored.begin(), scored.end(),
                           [&](const Scored& s) { return s.id == reservist_id; });
  if (self == scored.end()) return 0;
  const auto better = std::count_if(scored.begin(), scored.end(),
                                    [&](const Scored& s) { return Better(s, *self); });
  return static_cast<int>(better) + 1;
}

}  // namespace muster

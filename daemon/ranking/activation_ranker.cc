#include "ranking/activation_ranker.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "ranking/eligibility.h"
#include "ranking/scorer.h"

namespace muster {

namespace {

std::string SelectedReason(const RankedCandidate& c) {
  return fmt::format(
      "selected for {}: ranked {}, score {:.3f} (distance {:.3f}, level {:.3f}, fairness {:.3f}, "
      "reliability {:.3f})",
      c.skill, Ordinal(c.rank), c.score.total, c.score.distance, c.score.level, c.score.fairness,
      c.score.reliability);
}

std::string AskedPhrase(int asked) {
  return asked == 1 ? "1 was asked" : fmt::format("{} were asked", asked);
}

}  // namespace

std::string Ordinal(int n) {
  const int last_two = n % 100;
  const int last = n % 10;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    if (last == 1) suffix = "st";
    if (last == 2) suffix = "nd";
    if (last == 3) suffix = "rd";
  }
  return fmt::format("{}{}", n, suffix);
}

ActivationRanker::ActivationRanker(const RosterIndex& index, RankingConfig config)
    : index_(index), config_(std::move(config)) {}

Result<RankResult> ActivationRanker::Rank(const RankRequest& request, CollectStats* stats) const {
  Result<PreparedRequest> prepared = index_.Prepare(request);
  if (!prepared.ok()) return prepared.status();
  // Reused per thread: the lists run to thousands of candidates.
  thread_local std::vector<std::vector<EligibleCandidate>> eligible;
  for (auto& list : eligible) list.clear();
  index_.CollectEligible(*prepared, eligible, stats);
  const Scorer scorer(config_, *prepared->history, prepared->window.start_unix(),
                      prepared->radius_km);
  return SelectCandidates(prepared->requirements, eligible, scorer, config_);
}

Result<Explanation> ActivationRanker::Explain(const RankRequest& request, int64_t reservist_id,
                                              const RankResult* stored) const {
  Result<PreparedRequest> prepared = index_.Prepare(request);
  if (!prepared.ok()) return prepared.status();
  const PreparedRequest& p = *prepared;
  std::vector<std::vector<EligibleCandidate>> eligible;
  index_.CollectEligible(p, eligible);
  const Scorer scorer(config_, *p.history, p.window.start_unix(), p.radius_km);
  const RankResult fresh =
      stored ? RankResult{} : SelectCandidates(p.requirements, eligible, scorer, config_);
  const RankResult& result = stored ? *stored : fresh;

  Explanation out;
  out.reservist_id = reservist_id;
  for (const RankedCandidate& c : result.selected) {
    if (c.reservist_id != reservist_id) continue;
    out.selected = true;
    out.candidate = c;
    out.reason = SelectedReason(c);
    return out;
  }
  const std::optional<ReservistFacts> facts = index_.Find(reservist_id);
  if (!facts)
    return Status::NotFound(fmt::format("reservist {} is not in the roster", reservist_id));
  const EligibilityVerdict verdict = EvaluateEligibility(*facts, p);
  if (!verdict.any_eligible()) {
    out.reason = verdict.exclusion;
    return out;
  }
  std::vector<std::string> parts;
  for (size_t i = 0; i < p.requirements.size(); ++i) {
    if (!verdict.eligible[i]) continue;
    const int rank = RankWithin(eligible[i], reservist_id, p.requirements[i], scorer);
    const int asked = i < result.requirements.size() ? result.requirements[i].asked : 0;
    parts.push_back(fmt::format("ranked {} for {}; {}", Ordinal(rank), p.requirements[i].skill,
                                AskedPhrase(asked)));
  }
  out.reason = "eligible but " + fmt::format("{}", fmt::join(parts, "; and "));
  return out;
}

}  // namespace muster

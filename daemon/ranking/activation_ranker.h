// ActivationRanker: the entry point of the ranking engine. Given an
// activation request it finds the eligible reservists in the RosterIndex,
// scores them, selects the first wave and explains any reservist's outcome.
// No I/O. Thread-safe: const, over a thread-safe index.
//
// Typical use (the activation service):
//   ActivationRanker ranker(index, config);
//   Result<RankResult> r = ranker.Rank(request);     // Create/PreviewActivation
//   Result<Explanation> e = ranker.Explain(request, id, &stored_result);
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "ranking/index_state.h"
#include "ranking/rank_request.h"
#include "ranking/ranking_config.h"
#include "ranking/roster_index.h"
#include "ranking/selection.h"

namespace muster {

struct Explanation {
  int64_t reservist_id = 0;
  bool selected = false;
  RankedCandidate candidate;  // when selected: their entry with score parts
  // A sentence. Selected: "selected for first_aid: ranked 3rd, score 0.812
  // (distance 0.350, level 0.200, fairness 0.250, reliability 0.012)". Not
  // selected: the first rule that excluded them (see eligibility.h), or
  // "eligible but ranked 23rd for first_aid; 18 were asked".
  std::string reason;
};

class ActivationRanker {
 public:
  // config must pass RankingConfig::Validate(). The index must outlive the
  // ranker.
  ActivationRanker(const RosterIndex& index, RankingConfig config = {});

  // Ranks and selects. InvalidArgument (naming the field) for a bad request;
  // too few eligible reservists is not an error (see shortfall).
  Result<RankResult> Rank(const RankRequest& request, CollectStats* stats = nullptr) const;

  // Why a reservist was or was not selected. With `stored`, the selection
  // and the "were asked" counts come from that earlier result (what was
  // actually asked); ranks and rules are evaluated on the roster in the
  // index with the request's busy list and history (the activation service
  // passes those as they were at the selection).
  // NotFound if the reservist is not in the roster. For a stored activation,
  // `request.busy` should not list the activation itself.
  Result<Explanation> Explain(const RankRequest& request, int64_t reservist_id,
                              const RankResult* stored = nullptr) const;

  const RankingConfig& config() const { return config_; }

 private:
  const RosterIndex& index_;
  RankingConfig config_;
};

// "1st", "2nd", "3rd", "11th", "23rd", ...
std::string Ordinal(int n);

}  // namespace muster

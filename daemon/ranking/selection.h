// Scoring and first-wave selection over the eligible candidates of each
// requirement. Pure: the same sets of candidates always give the same result,
// whatever order they come in. Used by ActivationRanker on the in-memory
// index and by the SQL baseline in bench/, so both select identically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ranking/rank_request.h"
#include "ranking/ranking_config.h"
#include "ranking/scorer.h"

namespace muster {

// An eligible reservist for one requirement.
struct EligibleCandidate {
  int64_t reservist_id = 0;
  double distance_km = 0;  // great circle, home to activation
  int32_t level = 0;       // level held in the requirement's skill
};

// A selected (asked) reservist.
struct RankedCandidate {
  int64_t reservist_id = 0;
  int requirement_index = 0;  // into the request's requirements
  std::string skill;
  int rank = 0;  // 1-based among all eligible candidates for the requirement
  double distance_km = 0;
  int level = 0;
  double accept_probability = 0;
  ScoreParts score;
  friend bool operator==(const RankedCandidate&, const RankedCandidate&) = default;
};

enum class WaveSizing {
  kOverAsk,          // no answer history yet: ceil(count * over_ask)
  kExpectedAccepts,  // ask until sum of p >= count * safety_margin
};

struct RequirementOutcome {
  ResolvedRequirement requirement;
  int64_t eligible = 0;  // eligible candidates (may overlap other requirements)
  double scarcity = 0;   // eligible / count; the smallest is filled first
  int fill_order = 0;    // 0 = filled first
  WaveSizing sizing = WaveSizing::kOverAsk;
  int asked = 0;  // selected for the first wave
  // Eligible for it but selected for another requirement (a person fills at
  // most one place), so no longer free to ask for this one.
  int64_t asked_elsewhere = 0;
  double expected_accepts = 0;  // sum of accept_probability over those asked
  // max(0, count - asked): the roster cannot fill it (docs/ranking.md,
  // "Shortfall"; at selection the general definition comes to this).
  int shortfall = 0;
};

struct RankResult {
  std::vector<RankedCandidate> selected;         // by requirement index, then rank
  std::vector<RequirementOutcome> requirements;  // request order
};

// Selects the first wave. eligible[i] holds the candidates of requirements[i]
// (a reservist may appear under several; each is selected at most once), in
// any order. Requirements are filled scarcest first; within
// one, candidates go by score (higher first), then by reservist id (lower
// first).
RankResult SelectCandidates(const std::vector<ResolvedRequirement>& requirements,
                            const std::vector<std::vector<EligibleCandidate>>& eligible,
                            const Scorer& scorer, const RankingConfig& config);

// 1-based rank of a reservist among `eligible` for a requirement, or 0 if
// they are not in the list.
int RankWithin(const std::vector<EligibleCandidate>& eligible, int64_t reservist_id,
               const ResolvedRequirement& requirement, const Scorer& scorer);

}  // namespace muster

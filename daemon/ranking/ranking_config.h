// Tunables of scoring and selection. A plain struct; every default is
// written beside its field and explained in docs/ranking.md.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace muster {

struct RankingConfig {
  // Score weights. Each part is in [0, 1] before weighting, so with weights
  // summing to 1 the total is in [0, 1]. Higher is better.
  double weight_distance = 0.40;     // 1 - distance / radius
  double weight_level = 0.20;        // (level - min_level) / (skill max - min_level)
  double weight_fairness = 0.25;     // rest since last deployment, few recent call-outs
  double weight_reliability = 0.15;  // estimated acceptance probability

  // Fairness = rest_share * rest + (1 - rest_share) * load, where
  // rest = min(1, days since last deployment ended / full_rest_days) (1 if
  // never deployed) and load = 1 / (1 + call-outs in the last 30 days).
  double fairness_full_rest_days = 28;  // > 0
  double fairness_rest_share = 0.5;     // [0, 1]

  // Acceptance probability: the posterior mean of a Beta prior centred on the
  // roster-wide acceptance rate with this weight in pseudo-answers:
  //   p = (accepted + prior_strength * rate) / (asked + prior_strength).
  double prior_strength = 4;  // > 0
  // The roster-wide rate used while fewer than min_roster_asked call-outs are
  // recorded in the whole history (and the rate that history is judged by).
  double default_accept_rate = 0.5;  // (0, 1]

  // First-wave sizing. While the history holds fewer than min_roster_asked
  // call-outs in total, ask ceil(count * over_ask). Afterwards ask down the
  // ranked list until the expected accepts (sum of p) reach
  // count * safety_margin. Never fewer than count (when there are enough
  // candidates), never more than ceil(count * max_ask_factor).
  double over_ask = 1.5;          // >= 1
  double safety_margin = 1.2;     // >= 1
  double max_ask_factor = 3.0;    // >= max(over_ask, 1)
  int64_t min_roster_asked = 20;  // >= 1

  // InvalidArgument naming the first bad field, e.g. "over_ask".
  Status Validate() const;
};

}  // namespace muster

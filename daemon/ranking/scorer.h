// The score of an eligible candidate for one requirement, as weighted parts.
// No I/O. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>

#include "ranking/history_table.h"
#include "ranking/rank_request.h"
#include "ranking/ranking_config.h"

namespace muster {

// Weighted score parts; total = distance + level + fairness + reliability.
// Each part is weight * value with value in [0, 1] (see RankingConfig).
struct ScoreParts {
  double distance = 0;
  double level = 0;
  double fairness = 0;
  double reliability = 0;
  double total = 0;
  friend bool operator==(const ScoreParts&, const ScoreParts&) = default;
};

class Scorer {
 public:
  // config must be valid; history may be empty. The references must outlive
  // the Scorer.
  Scorer(const RankingConfig& config, const HistoryTable& history, int64_t activation_start,
         double radius_km);

  // The estimated probability that a reservist accepts a call-out: their
  // answers smoothed towards the roster-wide rate (see RankingConfig).
  double AcceptProbability(const ReservistHistory* history) const;

  // Scores a candidate at distance_km holding `level` for a requirement.
  ScoreParts Score(double distance_km, int level, const ResolvedRequirement& requirement,
                   const ReservistHistory* history) const;

  // True once the history is rich enough to size waves by expected accepts.
  bool SizesByExpectedAccepts() const { return sizes_by_expected_accepts_; }
  // The rate p is smoothed towards.
  double roster_accept_rate() const { return roster_rate_; }
  const HistoryTable& history() const { return history_; }

 private:
  double Fairness(const ReservistHistory* history) const;

  const RankingConfig& config_;
  const HistoryTable& history_;
  int64_t activation_start_;
  double radius_km_;
  double roster_rate_;
  bool sizes_by_expected_accepts_;
  double no_history_fairness_;  // the parts for a reservist without history
  double no_history_reliability_;
};

}  // namespace muster

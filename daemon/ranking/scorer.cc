#include "ranking/scorer.h"

#include <algorithm>

namespace muster {

Scorer::Scorer(const RankingConfig& config, const HistoryTable& history, int64_t activation_start,
               double radius_km)
    : config_(config),
      history_(history),
      activation_start_(activation_start),
      radius_km_(radius_km) {
  sizes_by_expected_accepts_ = history.total_asked() >= config.min_roster_asked;
  roster_rate_ = sizes_by_expected_accepts_
                     ? static_cast<double>(history.total_accepted()) / history.total_asked()
                     : config.default_accept_rate;
  no_history_fairness_ = config.weight_fairness * Fairness(nullptr);
  no_history_reliability_ = config.weight_reliability * AcceptProbability(nullptr);
}

double Scorer::AcceptProbability(const ReservistHistory* h) const {
  const double k = config_.prior_strength;
  const double accepted = h ? h->accepted : 0;
  const double asked = h ? h->asked : 0;
  return (accepted + k * roster_rate_) / (asked + k);
}

double Scorer::Fairness(const ReservistHistory* h) const {
  double rest = 1.0;
  double load = 1.0;
  if (h) {
    if (h->last_deployment_end > 0) {
      const double days = static_cast<double>(activation_start_ - h->last_deployment_end) / 86400;
      rest = std::clamp(days / config_.fairness_full_rest_days, 0.0, 1.0);
    }
    load = 1.0 / (1.0 + std::max(0, h->callouts_30d));
  }
  return config_.fairness_rest_share * rest + (1.0 - config_.fairness_rest_share) * load;
}

ScoreParts Scorer::Score(double distance_km, int level, const ResolvedRequirement& req,
                         const ReservistHistory* h) const {
  ScoreParts s;
  s.distance = config_.weight_distance * std::clamp(1.0 - distance_km / radius_km_, 0.0, 1.0);
  const int span = req.skill_max_level - req.min_level;
  s.level = span > 0 ? config_.weight_level *
                           std::clamp(static_cast<double>(level - req.min_level) / span, 0.0, 1.0)
                     : 0.0;
  s.fairness = h ? config_.weight_fairness * Fairness(h) : no_history_fairness_;
  s.reliability = h ? config_.weight_reliability * AcceptProbability(h) : no_history_reliability_;
  s.total = s.distance + s.level + s.fairness + s.reliability;
  return s;
}

}  // namespace muster

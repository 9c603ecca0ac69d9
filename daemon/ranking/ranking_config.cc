#include "ranking/ranking_config.h"

#include <cmath>
#include <string>

namespace muster {

namespace {

Status Check(bool ok, const char* field, const std::string& rule) {
  return ok ? Status::Ok() : Status::InvalidArgument(field, "must be " + rule);
}

bool Finite(double v) {
  return std::isfinite(v);
}

}  // namespace

Status RankingConfig::Validate() const {
  const double weights[] = {weight_distance, weight_level, weight_fairness, weight_reliability};
  const char* names[] = {"weight_distance", "weight_level", "weight_fairness",
                         "weight_reliability"};
  for (int i = 0; i < 4; ++i) {
    MUSTER_RETURN_IF_ERROR(Check(Finite(weights[i]) && weights[i] >= 0, names[i], ">= 0"));
  }
  MUSTER_RETURN_IF_ERROR(Check(Finite(fairness_full_rest_days) && fairness_full_rest_days > 0,
                               "fairness_full_rest_days", "> 0"));
  MUSTER_RETURN_IF_ERROR(Check(fairness_rest_share >= 0 && fairness_rest_share <= 1,
                               "fairness_rest_share", "in [0, 1]"));
  MUSTER_RETURN_IF_ERROR(
      Check(Finite(prior_strength) && prior_strength > 0, "prior_strength", "> 0"));
  MUSTER_RETURN_IF_ERROR(Check(default_accept_rate > 0 && default_accept_rate <= 1,
                               "default_accept_rate", "in (0, 1]"));
  MUSTER_RETURN_IF_ERROR(Check(Finite(over_ask) && over_ask >= 1, "over_ask", ">= 1"));
  MUSTER_RETURN_IF_ERROR(
      Check(Finite(safety_margin) && safety_margin >= 1, "safety_margin", ">= 1"));
  MUSTER_RETURN_IF_ERROR(
      Check(Finite(max_ask_factor) && max_ask_factor >= over_ask, "max_ask_factor", ">= over_ask"));
  return Check(min_roster_asked >= 1, "min_roster_asked", ">= 1");
}

}  // namespace muster

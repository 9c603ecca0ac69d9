// The area rule: an activation that names home areas asks only reservists of
// those areas. The index's fast path and Explain's one-person rules agree,
// and Explain names the area.
#include <catch2/catch.hpp>

#include <set>

#include "ranking/activation_ranker.h"
#include "ranking/eligibility.h"
#include "ranking/roster_index.h"
#include "ranking_test_support.h"

namespace muster {
namespace {

using namespace testing;

Reservist InArea(int64_t id, const char* area) {
  Reservist r = Person(id);
  r.home_area = area;
  return r;
}

TEST_CASE("a reservist outside the activation's areas is excluded, naming the area",
          "[eligibility][areas]") {
  RosterIndex index;
  index.SetSkills(TestSkills());
  REQUIRE(index.Upsert(InArea(1, "gloucestershire")).ok());
  REQUIRE(index.Upsert(InArea(2, "worcestershire")).ok());
  RankRequest req = Request();
  req.areas = {"gloucestershire", "herefordshire"};

  auto prepared = index.Prepare(req);
  REQUIRE(prepared.ok());
  std::vector<std::vector<EligibleCandidate>> eligible;
  index.CollectEligible(*prepared, eligible);
  REQUIRE(eligible.size() == 1);
  REQUIRE(eligible[0].size() == 1);
  CHECK(eligible[0][0].reservist_id == 1);

  // The reference rules agree with the index...
  CHECK(EvaluateEligibility(ReservistFacts::FromReservist(InArea(1, "gloucestershire")), *prepared)
            .any_eligible());
  const EligibilityVerdict out =
      EvaluateEligibility(ReservistFacts::FromReservist(InArea(2, "worcestershire")), *prepared);
  CHECK_FALSE(out.any_eligible());
  // ...and the index keeps the area for them.
  REQUIRE(index.Find(2).has_value());
  CHECK(index.Find(2)->home_area == "worcestershire");

  auto why = ActivationRanker(index).Explain(req, 2);
  REQUIRE(why.ok());
  CHECK_FALSE(why->selected);
  CHECK(why->reason ==
        "home area worcestershire is outside this activation's areas (gloucestershire, "
        "herefordshire)");
  // Without areas, everyone's area is fine.
  req.areas.clear();
  why = ActivationRanker(index).Explain(req, 2);
  REQUIRE(why.ok());
  CHECK(why->selected);
}

TEST_CASE("the area rule is reported before every other rule", "[eligibility][areas]") {
  RosterIndex index;
  index.SetSkills(TestSkills());
  Reservist r = InArea(3, "worcestershire");
  r.status = ReservistStatus::kSuspended;
  REQUIRE(index.Upsert(r).ok());
  RankRequest req = Request();
  req.areas = {"gloucestershire"};
  req.busy = {{3, 17}};
  auto why = ActivationRanker(index).Explain(req, 3);
  REQUIRE(why.ok());
  CHECK(why->reason ==
        "home area worcestershire is outside this activation's areas (gloucestershire)");
}

}  // namespace
}  // namespace muster

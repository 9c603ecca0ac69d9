#include "roster/area_scope.h"

#include <catch2/catch.hpp>

using muster::AreaScope;
using muster::Code;
using Areas = std::vector<std::string>;

TEST_CASE("an unscoped caller covers and manages everything", "[area_scope]") {
  AreaScope all = AreaScope::All();
  CHECK(all.all());
  CHECK(all.Covers("gloucestershire"));
  CHECK(all.MayManage({}));
  CHECK(all.MayManage({"wiltshire"}));
  CHECK(all.mutual_aid());
  CHECK(all.Describe() == "every area");
  // No areas asked: every area; areas asked: those, sorted and unique.
  CHECK(all.ActivationAreas({})->empty());
  CHECK(*all.ActivationAreas({"wiltshire", "avon", "wiltshire"}) == Areas{"avon", "wiltshire"});
}

TEST_CASE("a scoped caller covers only its areas", "[area_scope]") {
  AreaScope glos = AreaScope::Only({"wiltshire", "gloucestershire", "wiltshire"}, false);
  CHECK_FALSE(glos.all());
  CHECK(glos.areas() == Areas{"gloucestershire", "wiltshire"});
  CHECK(glos.Covers("gloucestershire"));
  CHECK_FALSE(glos.Covers("somerset"));
  CHECK_FALSE(glos.Covers(""));
  CHECK(glos.Describe() == "gloucestershire, wiltshire");
  CHECK_FALSE(glos.mutual_aid());

  // Its activations draw from its own areas unless it names some of them.
  CHECK(*glos.ActivationAreas({}) == Areas{"gloucestershire", "wiltshire"});
  CHECK(*glos.ActivationAreas({"wiltshire"}) == Areas{"wiltshire"});
  auto refused = glos.ActivationAreas({"gloucestershire", "somerset"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kPermissionDenied);
  CHECK(refused.status().field() == "areas");
  CHECK_THAT(refused.status().message(),
             Catch::Contains("'somerset'") && Catch::Contains("mutual_aid"));
  auto malformed = glos.ActivationAreas({"Glos Shire"});
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.status().code() == Code::kInvalidArgument);
  CHECK(malformed.status().field() == "areas[0]");

  // It manages activations within its areas, not national or others' ones.
  CHECK(glos.MayManage({"gloucestershire"}));
  CHECK(glos.MayManage({"gloucestershire", "wiltshire"}));
  CHECK_FALSE(glos.MayManage({}));
  CHECK_FALSE(glos.MayManage({"somerset"}));
  CHECK_FALSE(glos.MayManage({"gloucestershire", "somerset"}));

  auto outside = glos.OutsideError("somerset");
  CHECK(outside.code() == Code::kPermissionDenied);
  CHECK(outside.field() == "home_area");
}

TEST_CASE("mutual aid lets a scoped caller ask and manage across areas", "[area_scope]") {
  AreaScope glos = AreaScope::Only({"gloucestershire"}, true);
  CHECK(glos.mutual_aid());
  CHECK_FALSE(glos.Covers("wiltshire"));  // its roster view stays its own
  CHECK(*glos.ActivationAreas({"gloucestershire", "wiltshire"}) ==
        Areas{"gloucestershire", "wiltshire"});
  CHECK(glos.MayManage({"gloucestershire", "wiltshire"}));
  CHECK_FALSE(glos.MayManage({"wiltshire"}));  // nothing of its own in it
  CHECK_FALSE(glos.MayManage({}));
}

TEST_CASE("a caller with no areas sees nothing", "[area_scope]") {
  AreaScope none = AreaScope::Nothing();
  CHECK_FALSE(none.all());
  CHECK_FALSE(none.Covers("gloucestershire"));
  CHECK_FALSE(none.MayManage({}));
  CHECK_FALSE(none.MayManage({"gloucestershire"}));
  CHECK(none.ActivationAreas({}).status().code() == Code::kPermissionDenied);
  CHECK(none.Describe() == "no area");
  // The config's empty list means every area.
  CHECK(AreaScope::Only({}, false).all());
}

// The per-person cap alone, over a rolling hour the test moves through.
#include "dispatch/person_cap.h"

#include <catch2/catch.hpp>

using namespace muster::dispatch;

namespace {
constexpr int64_t kT0 = 1796148000000;
constexpr int64_t kHour = 3600000;
}  // namespace

TEST_CASE("a person gets at most the cap in any rolling hour", "[dispatch][cap]") {
  PersonCap cap(3);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(cap.Allows(7, kT0 + i * 1000));
    cap.Record(7, kT0 + i * 1000);
  }
  CHECK_FALSE(cap.Allows(7, kT0 + 5000));
  CHECK(cap.Allows(8, kT0 + 5000));  // others are counted apart
  // The first send leaves the window exactly an hour later.
  CHECK_FALSE(cap.Allows(7, kT0 + kHour - 1));
  CHECK(cap.Allows(7, kT0 + kHour));
  cap.Record(7, kT0 + kHour);
  CHECK_FALSE(cap.Allows(7, kT0 + kHour + 999));
  CHECK(cap.Allows(7, kT0 + kHour + 1000));
}

TEST_CASE("a cap of zero allows nobody", "[dispatch][cap]") {
  PersonCap cap(0);
  CHECK_FALSE(cap.Allows(1, kT0));
  cap.Record(1, kT0 - 2 * kHour);
  CHECK_FALSE(cap.Allows(1, kT0));
}

TEST_CASE("sends stored before a restart count, in whatever order they are read",
          "[dispatch][cap]") {
  PersonCap cap(2);
  cap.Load({{5, kT0 - 100}, {6, kT0 - 50}, {5, kT0 - kHour + 10}});
  CHECK_FALSE(cap.Allows(5, kT0));
  CHECK(cap.Allows(6, kT0));
  // The older of person 5's sends ages out first, whatever the load order.
  CHECK(cap.Allows(5, kT0 + 10));
}

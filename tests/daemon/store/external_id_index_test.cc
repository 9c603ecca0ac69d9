#include "store/external_id_index.h"

#include <catch2/catch.hpp>
#include <string>

namespace muster {
namespace {

TEST_CASE("ExternalIdIndex remembers the first line of each id", "[store][import]") {
  ExternalIdIndex index;
  CHECK_FALSE(index.FindOrInsert("A-1", 10).has_value());
  CHECK_FALSE(index.FindOrInsert("A-2", 11).has_value());
  CHECK(index.FindOrInsert("A-1", 12) == 10);
  CHECK(index.FindOrInsert("A-1", 13) == 10);
  CHECK_FALSE(index.FindOrInsert("a-1", 14).has_value());  // case matters
  CHECK_FALSE(index.FindOrInsert("", 15).has_value());
  CHECK(index.FindOrInsert("", 16) == 15);
  CHECK(index.size() == 4);
}

TEST_CASE("ExternalIdIndex keeps every id across growth", "[store][import]") {
  ExternalIdIndex index;
  constexpr int kIds = 50000;  // many times the initial table
  for (int i = 0; i < kIds; ++i) {
    REQUIRE_FALSE(index.FindOrInsert("EXT-" + std::to_string(i), i).has_value());
  }
  CHECK(index.size() == kIds);
  for (int i = 0; i < kIds; i += 7) {
    REQUIRE(index.FindOrInsert("EXT-" + std::to_string(i), -1) == i);
  }
  CHECK_FALSE(index.FindOrInsert("EXT-" + std::to_string(kIds), 0).has_value());
}

}  // namespace
}  // namespace muster

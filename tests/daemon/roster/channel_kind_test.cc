#include <catch2/catch.hpp>

#include "roster/model.h"

using namespace muster;

TEST_CASE("channel kinds keep the numbers stored on disk and the names in configs", "[channel]") {
  // Stored in reservists' packed channel lists and callouts.channel_kind:
  // changing one of these reads every stored channel as another kind.
  CHECK(static_cast<int>(ChannelKind::kSms) == 1);
  CHECK(static_cast<int>(ChannelKind::kEmail) == 2);
  CHECK(static_cast<int>(ChannelKind::kWebhook) == 3);
  CHECK(std::string(ChannelKindName(ChannelKind::kSms)) == "sms");
  CHECK(std::string(ChannelKindName(ChannelKind::kEmail)) == "email");
  CHECK(std::string(ChannelKindName(ChannelKind::kWebhook)) == "webhook");
}

TEST_CASE("every channel kind round-trips through its number and its name", "[channel]") {
  int expected_number = 1;
  for (const ChannelKindInfo& k : kChannelKinds) {
    INFO(k.name);
    CHECK(static_cast<int>(k.kind) == expected_number++);  // in number order, no gaps
    CHECK(ChannelKindFromNumber(static_cast<int>(k.kind)) == k.kind);
    CHECK(ParseChannelKind(k.name) == k.kind);
    CHECK(std::string(ChannelKindName(k.kind)) == k.name);
  }
  CHECK_FALSE(ChannelKindFromNumber(0));
  CHECK_FALSE(ChannelKindFromNumber(expected_number));
  CHECK_FALSE(ParseChannelKind("SMS"));  // exact names: configs are lower case
  CHECK_FALSE(ParseChannelKind(""));
  CHECK(std::string(ChannelKindName(static_cast<ChannelKind>(0))).empty());
}

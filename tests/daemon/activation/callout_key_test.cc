// Call-out keys and receipt references, made and read back, and malformed
// references refused.
#include "activation/callout_key.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace muster;

namespace {
const std::string kToken = "0123456789abcdef0123456789abcdef";
}  // namespace

TEST_CASE("a call-out's messages are keyed by activation and reservist", "[activation][key]") {
  CHECK(CalloutKey(7, 42) == "muster-a7-r42");
  CHECK(MessageKey(CalloutKey(7, 42), MessageRole::kCallout) == "muster-a7-r42");
  CHECK(MessageKey(CalloutKey(7, 42), MessageRole::kStandDown) == "muster-a7-r42-standdown");
}

TEST_CASE("a receipt reference names the call-out and reads back", "[activation][key]") {
  const std::string ref = ReceiptReference(12, 3456, kToken, MessageRole::kCallout);
  REQUIRE(ref.starts_with("12-3456-"));
  CHECK(ref.size() == std::string("12-3456-").size() + 32);
  CHECK(ref.find(kToken) == std::string::npos);  // the token is not in it
  auto parts = ParseReceiptReference(ref);
  REQUIRE(parts);
  CHECK(parts->activation_id == 12);
  CHECK(parts->callout_id == 3456);
  CHECK(parts->role == MessageRole::kCallout);
  CHECK(ReceiptReferenceMatches(ref, *parts, kToken));
  // The same on every call (every resend).
  CHECK(ReceiptReference(12, 3456, kToken, MessageRole::kCallout) == ref);

  const std::string down = ReceiptReference(12, 3456, kToken, MessageRole::kStandDown);
  CHECK(down == ref + "-standdown");
  auto down_parts = ParseReceiptReference(down);
  REQUIRE(down_parts);
  CHECK(down_parts->role == MessageRole::kStandDown);
  CHECK(down_parts->callout_id == 3456);
  CHECK(ReceiptReferenceMatches(down, *down_parts, kToken));
}

TEST_CASE("a reference matches only its own call-out's token and ids", "[activation][key]") {
  const std::string ref = ReceiptReference(12, 3456, kToken, MessageRole::kCallout);
  auto parts = ParseReceiptReference(ref);
  REQUIRE(parts);
  CHECK_FALSE(ReceiptReferenceMatches(ref, *parts, "another-token"));
  CHECK_FALSE(ReceiptReferenceMatches(ref, *parts, ""));
  // The mac of one call-out under the ids of another (whose token differs).
  const std::string moved = "12-3457-" + ref.substr(std::string("12-3456-").size());
  auto moved_parts = ParseReceiptReference(moved);
  REQUIRE(moved_parts);
  CHECK_FALSE(ReceiptReferenceMatches(moved, *moved_parts, "fedcba9876543210fedcba9876543210"));
  // A call-out reference is not its stand-down's, nor the other way round.
  ReceiptReferenceParts as_standdown = *parts;
  as_standdown.role = MessageRole::kStandDown;
  CHECK_FALSE(ReceiptReferenceMatches(ref, as_standdown, kToken));
  CHECK(ReceiptReference(12, 3456, "", MessageRole::kCallout).empty());
}

TEST_CASE("malformed receipt references are refused", "[activation][key]") {
  const std::string mac = ReceiptReference(1, 2, kToken, MessageRole::kCallout).substr(4);
  REQUIRE(ParseReceiptReference("1-2-" + mac));
  const std::vector<std::string> malformed = {
      std::string(""),
      std::string("-standdown"),
      "muster-a1-r2",                         // an idempotency key is not a reference
      "muster-a1-r2-standdown",               //
      "1-2",                                  // no mac
      "1-2-",                                 //
      "1-2-" + mac.substr(1),                 // 31 digits
      "1-2-" + mac + "0",                     // 33 digits
      "1-2-" + mac.substr(1) + "G",           // not hex
      "1-2-" + mac.substr(1) + "A",           // upper case
      "-1-2-" + mac,                          // signs
      "+1-2-" + mac,                          //
      "1--2-" + mac,                          //
      " 1-2-" + mac,                          // spaces
      "1 -2-" + mac,                          //
      "0-2-" + mac,                           // ids are positive
      "1-0-" + mac,                           //
      "99999999999999999999-2-" + mac,        // out of range
      "1-2-" + mac + "-standdow",             //
      "1-2-" + mac + "-standdown-standdown",  //
      "1-2-" + mac + "\n",                    //
      "a-2-" + mac,                           //
  };
  for (const std::string& bad : malformed) {
    INFO("'" << bad << "'");
    CHECK_FALSE(ParseReceiptReference(bad));
  }
}

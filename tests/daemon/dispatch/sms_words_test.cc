// SMS reply words and gateway delivery statuses, parsed alone.
#include "dispatch/sms_words.h"

#include <catch2/catch.hpp>
#include <string>

using namespace muster;
using namespace muster::dispatch;

TEST_CASE("an SMS reply's first word is the answer, in any case", "[dispatch][sms]") {
  for (const char* yes :
       {"YES", "yes", "Yes please", "y", "Y", "accept", "  YES!", "1. yes", "yes-no", "\"Yes\""}) {
    INFO(yes);
    auto r = ParseSmsReply(yes);
    REQUIRE(r.ok());
    CHECK(*r == AnswerKind::kAccept);
  }
  for (const char* no : {"NO", "no", "No sorry", "n", "DECLINE", "decline.", "no, yes"}) {
    INFO(no);
    auto r = ParseSmsReply(no);
    REQUIRE(r.ok());
    CHECK(*r == AnswerKind::kDecline);
  }
}

TEST_CASE("a reply that is neither YES nor NO is refused, naming the word", "[dispatch][sms]") {
  for (const char* other : {"maybe", "YESS", "yeah", "nope", "", "123", "  ", "ok yes"}) {
    INFO(other);
    auto r = ParseSmsReply(other);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().field() == "text");
  }
  CHECK(ParseSmsReply("maybe later").status().message().find("'MAYBE'") != std::string::npos);
}

TEST_CASE("gateway statuses are delivered, failed, or intermediate", "[dispatch][sms]") {
  for (const char* s : {"delivered", "DELIVRD", "Delivered"}) {
    CHECK(ParseReceiptStatus(s) == ReceiptStatus::kDelivered);
  }
  for (const char* s : {"failed", "undelivered", "UNDELIV", "rejected", "expired"}) {
    CHECK(ParseReceiptStatus(s) == ReceiptStatus::kFailed);
  }
  for (const char* s : {"queued", "sent", "accepted", "", "deliver"}) {
    CHECK_FALSE(ParseReceiptStatus(s));
  }
}

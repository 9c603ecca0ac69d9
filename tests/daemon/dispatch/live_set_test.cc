// The live set alone: activations and call-outs taken in from plain rows,
// counted and found by id, token and phone number (no SQLite).
#include "dispatch/live_set.h"

#include <catch2/catch.hpp>

using namespace muster;
using namespace muster::dispatch;

namespace {

CalloutRow Row(int64_t id, int64_t reservist, int requirement, CalloutState state,
               std::string token = "", std::string phone = "") {
  CalloutRow c;
  c.id = id;
  c.reservist_id = reservist;
  c.requirement = requirement;
  c.state = state;
  c.answer_token = std::move(token);
  if (!phone.empty()) c.channels = {{ChannelKind::kSms, phone}};
  return c;
}

LiveActivationRow Activation2(int64_t id, std::vector<CalloutRow> callouts) {
  LiveActivationRow row;
  row.activation.id = id;
  row.activation.requirements.resize(2);
  row.activation.requirements[0].requirement.count = 2;
  row.activation.requirements[1].requirement.count = 1;
  row.activation.requirements[0].asked = 99;  // as stored: recounted when taken in
  for (auto& c : callouts) c.activation_id = id;
  row.callouts = std::move(callouts);
  return row;
}

}  // namespace

TEST_CASE("an activation taken in counts its call-outs per requirement", "[dispatch][live]") {
  LiveSet set;
  LiveActivation& l = set.Add(Activation2(
      1, {Row(10, 100, 0, CalloutState::kAccepted), Row(11, 101, 0, CalloutState::kDelivered),
          Row(12, 102, 0, CalloutState::kNoAnswer), Row(13, 103, 1, CalloutState::kSent),
          Row(14, 104, 7, CalloutState::kSent)}));  // no such requirement: not counted
  CHECK(set.size() == 1);
  const RequirementRecord& r0 = l.a.requirements[0];
  CHECK(r0.asked == 3);
  CHECK(r0.accepted == 1);
  CHECK(r0.pending == 1);
  CHECK(r0.delivered == 2);
  CHECK(r0.unreachable == 1);
  CHECK(l.a.requirements[1].asked == 1);
  CHECK(l.a.requirements[1].pending == 1);
  CHECK(l.callouts.size() == 5);
  CHECK(l.by_reservist.at(103) == 13);
}

TEST_CASE("call-outs are found by id, by activation and id, and by answer token",
          "[dispatch][live]") {
  LiveSet set;
  set.Add(Activation2(1, {Row(10, 100, 0, CalloutState::kSent, "tok-a")}));
  LiveActivation& two = set.Add(Activation2(2, {Row(20, 100, 0, CalloutState::kSent, "tok-b")}));
  set.AddCallout(two, Row(21, 101, 1, CalloutState::kQueued, "tok-c"));
  CHECK(two.a.requirements[1].asked == 1);

  auto [l, c] = set.FindCallout(21);
  REQUIRE(c);
  CHECK(l->a.id == 2);
  CHECK(set.FindCallout(99).second == nullptr);
  CHECK(set.FindCallout(1, 10).second->id == 10);
  auto wrong = set.FindCallout(1, 20);  // live activation, not its call-out
  CHECK(wrong.first != nullptr);
  CHECK(wrong.second == nullptr);
  CHECK(set.FindCallout(3, 10).first == nullptr);
  CHECK(set.FindByToken("tok-c").second->id == 21);
  CHECK(set.FindByToken("tok-a").first->a.id == 1);
  CHECK(set.FindByToken("nope").second == nullptr);
}

TEST_CASE("removing an activation forgets its answer tokens", "[dispatch][live]") {
  LiveSet set;
  set.Add(Activation2(1, {Row(10, 100, 0, CalloutState::kSent, "tok-a")}));
  set.Add(Activation2(2, {Row(20, 101, 0, CalloutState::kSent, "tok-b")}));
  set.Remove(1);
  CHECK_FALSE(set.contains(1));
  CHECK(set.size() == 1);
  CHECK(set.FindByToken("tok-a").second == nullptr);
  CHECK(set.FindByToken("tok-b").second != nullptr);
  set.Remove(42);  // unknown: nothing happens
  CHECK(set.size() == 1);
}

TEST_CASE("taking an activation in again replaces it and recounts", "[dispatch][live]") {
  LiveSet set;
  set.Add(Activation2(1, {Row(10, 100, 0, CalloutState::kSent, "tok-a")}));
  LiveActivation& again = set.Add(Activation2(1, {Row(10, 100, 0, CalloutState::kAccepted, "tok-a"),
                                                  Row(11, 101, 0, CalloutState::kSent)}));
  CHECK(set.size() == 1);
  CHECK(again.a.requirements[0].asked == 2);
  CHECK(again.a.requirements[0].accepted == 1);
  CHECK(again.a.requirements[0].pending == 1);
  CHECK(set.FindByToken("tok-a").second->state == CalloutState::kAccepted);
}

TEST_CASE("an SMS reply goes to the newest answerable call-out to that number",
          "[dispatch][live]") {
  LiveSet set;
  set.Add(Activation2(1, {Row(10, 100, 0, CalloutState::kDelivered, "", "+447700900001"),
                          Row(11, 101, 0, CalloutState::kSent, "", "+447700900002")}));
  set.Add(Activation2(2, {Row(20, 100, 0, CalloutState::kAccepted, "", "+447700900001"),
                          Row(21, 100, 1, CalloutState::kDeclined, "", "+447700900001")}));
  // 21 is newer but answered no; 20 (accepted: a NO withdraws) is newest.
  const CalloutRow* c = set.LatestAnswerableByPhone("+447700900001");
  REQUIRE(c);
  CHECK(c->id == 20);
  CHECK(set.LatestAnswerableByPhone("+447700900002")->id == 11);
  CHECK(set.LatestAnswerableByPhone("+447700900009") == nullptr);
  // Only SMS channels count.
  LiveActivation& l = set.at(1);
  l.callouts.at(11).channels = {{ChannelKind::kEmail, "+447700900002"}};
  CHECK(set.LatestAnswerableByPhone("+447700900002") == nullptr);
}

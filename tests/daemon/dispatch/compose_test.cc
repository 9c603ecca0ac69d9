// The message a try sends, composed from plain rows (no threads, no SQLite).
#include "dispatch/compose.h"

#include <catch2/catch.hpp>

#include "activation/callout_key.h"

using namespace muster;
using namespace muster::dispatch;

namespace {

LiveActivation Flooding() {
  LiveActivation l;
  l.a.id = 4;
  l.a.spec.title = "Tewkesbury flooding";
  l.a.spec.start_unix = 1796148000;
  l.a.spec.duration_minutes = 120;
  l.a.requirements.resize(1);
  l.a.requirements[0].requirement.skill = "first_aid";
  return l;
}

CalloutRow JoCallout() {
  CalloutRow c;
  c.id = 17;
  c.activation_id = 4;
  c.reservist_id = 9;
  c.reservist_name = "Jo Bloggs";
  c.requirement = 0;
  c.idempotency_key = CalloutKey(4, 9);
  c.answer_token = "0123456789abcdef0123456789abcdef";
  c.channels = {{ChannelKind::kSms, "+447700900001"}, {ChannelKind::kEmail, "jo@example.org"}};
  return c;
}

}  // namespace

TEST_CASE("a call-out try carries its key, reference, channel, links and try number",
          "[dispatch][compose]") {
  LiveActivation l = Flooding();
  CalloutRow c = JoCallout();
  Job j;
  j.outbox_id = 55;
  j.callout_id = c.id;
  j.kind = OutboxKind::kCallout;
  j.key = c.idempotency_key;
  j.channel = 1;
  j.attempts_total = 2;
  notify::Message m = ComposeMessage(l, c, j, "https://muster.example.org");
  CHECK(m.kind == notify::MessageKind::kCallout);
  CHECK(m.idempotency_key == "muster-a4-r9");
  CHECK(m.receipt_reference == ReceiptReference(4, 17, c.answer_token, MessageRole::kCallout));
  CHECK(m.message_id == 55);
  CHECK(m.activation_id == 4);
  CHECK(m.callout_id == 17);
  CHECK(m.reservist_id == 9);
  CHECK(m.channel.kind == ChannelKind::kEmail);
  CHECK(m.channel.address == "jo@example.org");
  CHECK(m.attempt == 3);
  CHECK(m.accept_url == "https://muster.example.org/r/" + c.answer_token + "/accept");
  CHECK(m.decline_url == "https://muster.example.org/r/" + c.answer_token + "/decline");
  CHECK(m.text.find("Jo Bloggs") != std::string::npos);
}

TEST_CASE("a stand-down try says why, and carries no links", "[dispatch][compose]") {
  LiveActivation l = Flooding();
  CalloutRow c = JoCallout();
  Job j;
  j.outbox_id = 56;
  j.kind = OutboxKind::kStandDown;
  j.key = MessageKey(c.idempotency_key, MessageRole::kStandDown);
  notify::Message m = ComposeMessage(l, c, j, "https://muster.example.org");
  CHECK(m.kind == notify::MessageKind::kStandDown);
  CHECK(m.idempotency_key == "muster-a4-r9-standdown");
  CHECK(m.receipt_reference == ReceiptReference(4, 17, c.answer_token, MessageRole::kStandDown));
  CHECK(m.channel.kind == ChannelKind::kSms);
  CHECK(m.accept_url.empty());
  CHECK(m.text.find("the places are filled") != std::string::npos);
  l.end_reason = "the activation was cancelled: river fell";
  m = ComposeMessage(l, c, j, "https://muster.example.org");
  CHECK(m.text.find("river fell") != std::string::npos);
}

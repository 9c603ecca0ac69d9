#include "dispatch/compose.h"

#include "activation/callout_key.h"
#include "dispatch/message_text.h"

namespace muster::dispatch {

notify::Message ComposeMessage(const LiveActivation& l, const CalloutRow& c, const Job& j,
                               const std::string& public_url) {
  const bool callout = j.kind == OutboxKind::kCallout;
  notify::Message m;
  m.idempotency_key = j.key;
  m.kind = callout ? notify::MessageKind::kCallout : notify::MessageKind::kStandDown;
  m.receipt_reference = ReceiptReference(l.a.id, c.id, c.answer_token,
                                         callout ? MessageRole::kCallout : MessageRole::kStandDown);
  m.message_id = j.outbox_id;
  m.activation_id = l.a.id;
  m.callout_id = c.id;
  m.reservist_id = c.reservist_id;
  m.reservist_name = c.reservist_name;
  m.channel = c.channels[j.channel];
  std::string skill;
  if (c.requirement >= 0 && static_cast<size_t>(c.requirement) < l.a.requirements.size()) {
    skill = l.a.requirements[static_cast<size_t>(c.requirement)].requirement.skill;
  }
  MessageText text =
      callout ? CalloutText(l.a.spec, c.reservist_name, c.distance_km, skill, public_url,
                            c.answer_token, c.idempotency_key)
              : StandDownText(l.a.spec, c.reservist_name,
                              l.end_reason.empty() ? "the places are filled" : l.end_reason,
                              c.idempotency_key);
  m.subject = std::move(text.subject);
  m.text = std::move(text.text);
  m.accept_url = std::move(text.accept_url);
  m.decline_url = std::move(text.decline_url);
  m.attempt = j.attempts_total + 1;
  return m;
}

}  // namespace muster::dispatch

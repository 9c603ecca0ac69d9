#include "dispatch/live_set.h"

namespace muster::dispatch {

LiveActivation& LiveSet::Add(LiveActivationRow row) {
  LiveActivation& l = live_[row.activation.id];
  l = LiveActivation();
  l.a = std::move(row.activation);
  l.waves = std::move(row.waves);
  for (auto& r : l.a.requirements) r.asked = 0;
  l.callouts.reserve(row.callouts.size());
  for (auto& c : row.callouts) AddCallout(l, std::move(c));
  return l;
}

void LiveSet::AddCallout(LiveActivation& l, CalloutRow c) {
  if (c.requirement >= 0 && static_cast<size_t>(c.requirement) < l.a.requirements.size()) {
    RequirementRecord& r = l.a.requirements[static_cast<size_t>(c.requirement)];
    ++r.asked;
    CountCallout(r, c.state);
  }
  if (!c.answer_token.empty()) by_token_[c.answer_token] = {l.a.id, c.id};
  l.by_reservist[c.reservist_id] = c.id;
  l.callouts.emplace(c.id, std::move(c));
}

void LiveSet::Remove(int64_t activation_id) {
  auto it = live_.find(activation_id);
  if (it == live_.end()) return;
  for (auto& [cid, c] : it->second.callouts) by_token_.erase(c.answer_token);
  live_.erase(it);
}

LiveSet::Found LiveSet::FindCallout(int64_t callout_id) {
  for (auto& [id, l] : live_) {
    auto it = l.callouts.find(callout_id);
    if (it != l.callouts.end()) return {&l, &it->second};
  }
  return {nullptr, nullptr};
}

LiveSet::Found LiveSet::FindCallout(int64_t activation_id, int64_t callout_id) {
  auto l = live_.find(activation_id);
  if (l == live_.end()) return {nullptr, nullptr};
  auto c = l->second.callouts.find(callout_id);
  if (c == l->second.callouts.end()) return {&l->second, nullptr};
  return {&l->second, &c->second};
}

LiveSet::Found LiveSet::FindByToken(const std::string& token) {
  auto t = by_token_.find(token);
  if (t == by_token_.end()) return {nullptr, nullptr};
  return FindCallout(t->second.first, t->second.second);
}

const CalloutRow* LiveSet::LatestAnswerableByPhone(const std::string& phone) const {
  const CalloutRow* best = nullptr;
  for (const auto& [id, l] : live_) {
    for (const auto& [cid, c] : l.callouts) {
      if (!IsAwaitingAnswer(c.state) && c.state != CalloutState::kAccepted) continue;
      bool match = false;
      for (const auto& ch : c.channels) {
        match |= ch.kind == ChannelKind::kSms && ch.address == phone;
      }
      if (match && (!best || c.id > best->id)) best = &c;
    }
  }
  return best;
}

}  // namespace muster::dispatch

#include "dispatch/delivery_queue.h"

namespace muster::dispatch {

int& Job::Tries(size_t channel_at, size_t backend_at) {
  const uint32_t position = static_cast<uint32_t>(channel_at << 16 | (backend_at & 0xFFFF));
  for (auto& [k, n] : tries_) {
    if (k == position) return n;
  }
  return tries_.emplace_back(position, 0).second;
}

Job& DeliveryQueue::Add(Job j, int64_t due_ms) {
  const int64_t id = j.outbox_id;
  auto [it, added] = jobs_.emplace(id, std::move(j));
  (void)added;  // an existing job keeps its state; it is made due either way
  Schedule(id, due_ms);
  return it->second;
}

std::optional<int64_t> DeliveryQueue::NextDue(int64_t now_ms) {
  while (!due_.empty() && due_.top().first <= now_ms) {
    const int64_t id = due_.top().second;
    due_.pop();
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.in_flight) continue;
    return id;
  }
  return std::nullopt;
}

std::optional<int64_t> DeliveryQueue::EarliestDue() const {
  if (due_.empty()) return std::nullopt;
  return due_.top().first;
}

}  // namespace muster::dispatch

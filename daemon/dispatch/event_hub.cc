#include "dispatch/event_hub.h"

#include <algorithm>

namespace muster::dispatch {

EventHub::Subscription::Poll EventHub::Subscription::Next(DispatchEvent& out,
                                                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return overflowed_ || ended_ || !queue_.empty(); });
  if (overflowed_) {
    overflowed_ = false;
    queue_.clear();
    return Poll::kResync;
  }
  if (!queue_.empty()) {
    out = std::move(queue_.front());
    queue_.pop_front();
    return Poll::kEvent;
  }
  return ended_ ? Poll::kEnded : Poll::kTimeout;
}

std::shared_ptr<EventHub::Subscription> EventHub::Subscribe(int64_t activation_id,
                                                            std::function<void()> on_event) {
  auto s = std::make_shared<Subscription>();
  s->on_event_ = std::move(on_event);
  std::lock_guard lock(mutex_);
  subs_[activation_id].push_back(s);
  if (ended_.count(activation_id)) s->ended_ = true;
  return s;
}

void EventHub::Unsubscribe(int64_t activation_id, const std::shared_ptr<Subscription>& s) {
  std::lock_guard lock(mutex_);
  auto it = subs_.find(activation_id);
  if (it == subs_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), s), v.end());
  if (v.empty()) subs_.erase(it);
}

bool EventHub::HasSubscribers(int64_t activation_id) const {
  std::lock_guard lock(mutex_);
  return subs_.count(activation_id) > 0;
}

void EventHub::Publish(const DispatchEvent& event) {
  std::lock_guard lock(mutex_);
  auto it = subs_.find(event.activation_id);
  if (it == subs_.end()) return;
  for (auto& s : it->second) {
    {
      std::lock_guard sl(s->mutex_);
      if (s->queue_.size() >= max_buffered_) {
        s->overflowed_ = true;
      } else {
        s->queue_.push_back(event);
      }
    }
    s->cv_.notify_one();
    if (s->on_event_) s->on_event_();
  }
}

void EventHub::End(int64_t activation_id) {
  std::lock_guard lock(mutex_);
  ended_[activation_id] = true;
  auto it = subs_.find(activation_id);
  if (it == subs_.end()) return;
  for (auto& s : it->second) {
    {
      std::lock_guard sl(s->mutex_);
      s->ended_ = true;
    }
    s->cv_.notify_one();
    if (s->on_event_) s->on_event_();
  }
}

bool EventHub::Ended(int64_t activation_id) const {
  std::lock_guard lock(mutex_);
  return ended_.count(activation_id) > 0;
}

}  // namespace muster::dispatch

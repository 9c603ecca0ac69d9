#include "ranking/window_patterns.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace muster {

std::string WindowPatterns::Key(std::span<const WeekInterval> intervals) {
  std::string key(intervals.size() * sizeof(WeekInterval), '\0');
  if (!intervals.empty()) std::memcpy(key.data(), intervals.data(), key.size());
  return key;
}

uint32_t WindowPatterns::Intern(std::span<const WeekInterval> intervals) {
  if (intervals.empty()) return kAnyTime;
  std::string key = Key(intervals);
  auto it = by_content_.find(key);
  if (it != by_content_.end()) {
    ++patterns_[it->second].refs;
    return it->second;
  }
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<uint32_t>(patterns_.size());
    if (id >= (1u << 31)) std::abort();  // ids must leave Posting's flag bit free
    patterns_.emplace_back();
  }
  patterns_[id] = {static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(intervals.size()), 1};
  data_.insert(data_.end(), intervals.begin(), intervals.end());
  by_content_.emplace(std::move(key), id);
  return id;
}

void WindowPatterns::Release(uint32_t id) {
  if (id == kAnyTime) return;
  Pattern& p = patterns_[id];
  if (--p.refs > 0) return;
  by_content_.erase(Key(Get(id)));
  garbage_ += p.n;
  p = Pattern{};
  free_ids_.push_back(id);
  MaybeCompact();
}

void WindowPatterns::MaybeCompact() {
  if (garbage_ < 4096 || garbage_ * 2 < data_.size()) return;
  std::vector<WeekInterval> data;
  data.reserve(data_.size() - garbage_);
  for (Pattern& p : patterns_) {
    if (p.refs == 0) continue;
    const uint32_t at = static_cast<uint32_t>(data.size());
    data.insert(data.end(), data_.begin() + p.at, data_.begin() + p.at + p.n);
    p.at = at;
  }
  data_ = std::move(data);
  garbage_ = 0;
}

size_t WindowPatterns::MemoryBytes() const {
  size_t bytes = patterns_.capacity() * sizeof(Pattern) + data_.capacity() * sizeof(WeekInterval) +
                 free_ids_.capacity() * sizeof(uint32_t);
  // unordered_map: a bucket pointer per bucket, a node per entry (next
  // pointer, key string with its heap buffer when long, value, hash).
  bytes += by_content_.bucket_count() * sizeof(void*);
  for (const auto& [key, id] : by_content_) {
    bytes += 48 + sizeof(std::string) + (key.size() > 15 ? key.capacity() + 1 : 0);
  }
  return bytes;
}

void PatternVerdicts::Begin(uint32_t id_limit) {
  if (stamps_.size() < id_limit) stamps_.resize(id_limit, 0);
  if (++epoch_ >= (1u << 31)) {  // wrapped: forget old stamps
    std::fill(stamps_.begin(), stamps_.end(), 0);
    epoch_ = 1;
  }
}

PatternVerdicts& PatternVerdicts::ForThisThread() {
  thread_local PatternVerdicts verdicts;
  return verdicts;
}

}  // namespace muster

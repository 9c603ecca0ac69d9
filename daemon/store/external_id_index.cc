#include "store/external_id_index.h"

#include <functional>

namespace muster {
namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t HashOf(std::string_view id) {
  // std::hash of a string_view is a good 64-bit hash (murmur-like in
  // libstdc++); 0 marks an empty slot.
  uint64_t h = std::hash<std::string_view>()(id);
  return h == 0 ? 1 : h;
}

}  // namespace

std::optional<int64_t> ExternalIdIndex::FindOrInsert(std::string_view id, int64_t line) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t hash = HashOf(id);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {  // linear probing
    Slot& slot = slots_[i];
    if (slot.hash == 0) {
      slot = Slot{hash, arena_.size(), static_cast<uint32_t>(id.size()), line};
      arena_.append(id);
      ++size_;
      return std::nullopt;
    }
    if (slot.hash == hash && Key(slot) == id) return slot.line;
  }
}

void ExternalIdIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.hash == 0) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace muster

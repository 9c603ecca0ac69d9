// ExternalIdIndex: the external ids seen so far in one import session, each
// with the line it was first seen on, for duplicate detection.
//
// An import can bring a million ids, so this is an open-addressing hash
// table over one character arena: no allocation per id, about 64 bytes of table per id (32-byte
// slots, at most half full) plus the id's characters (a std::unordered_map<std::string, ...> costs
// two allocations and ~80 bytes per id).
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muster {

class ExternalIdIndex {
 public:
  // If id was seen before, returns the line it was first seen on; otherwise
  // records it with line and returns nullopt.
  std::optional<int64_t> FindOrInsert(std::string_view id, int64_t line);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0 = empty (real hashes are forced non-zero)
    uint64_t offset = 0;
    uint32_t length = 0;
    int64_t line = 0;
  };

  void Grow();
  std::string_view Key(const Slot& slot) const {
    return {arena_.data() + slot.offset, slot.length};
  }

  std::vector<Slot> slots_;  // power-of-two size, at most half full
  std::string arena_;        // every id's characters, back to back
  size_t size_ = 0;
};

}  // namespace muster

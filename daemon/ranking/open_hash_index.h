// A compact open-addressing hash index from 64-bit keys to 32-bit values
// that stores only the values (4 bytes a bucket): the key of a stored value
// is recomputed by a caller-supplied key_of(value), e.g. records[v].id. Linear
// probing with backward-shift deletion (no tombstones); load factor kept at
// or below 0.6. Not thread-safe: the owner serialises writers and readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace muster {

class OpenHashIndex {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // The value whose key_of(value) == key, or kNone.
  template <typename KeyOf>
  uint32_t Find(uint64_t key, const KeyOf& key_of) const {
    if (buckets_.empty()) return kNone;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const uint32_t v = buckets_[i];
      if (v == kNone || key_of(v) == key) return v;
    }
  }

  // Adds value under key_of(value); the key must not be present. value must
  // not be kNone.
  template <typename KeyOf>
  void Insert(uint32_t value, const KeyOf& key_of) {
    if ((size_ + 1) * 10 > buckets_.size() * 6) Grow(key_of);
    size_t i = Home(key_of(value));
    while (buckets_[i] != kNone) i = (i + 1) & mask_;
    buckets_[i] = value;
    ++size_;
  }

  // Removes the value stored under key; false if absent.
  template <typename KeyOf>
  bool Erase(uint64_t key, const KeyOf& key_of) {
    if (buckets_.empty()) return false;
    size_t i = Home(key);
    while (buckets_[i] != kNone && key_of(buckets_[i]) != key) i = (i + 1) & mask_;
    if (buckets_[i] == kNone) return false;
    // Backward shift: pull later members of the probe run into the hole.
    for (size_t j = (i + 1) & mask_; buckets_[j] != kNone; j = (j + 1) & mask_) {
      const size_t home = Home(key_of(buckets_[j]));
      const bool movable = ((j - home) & mask_) >= ((j - i) & mask_);
      if (movable) {
        buckets_[i] = buckets_[j];
        i = j;
      }
    }
    buckets_[i] = kNone;
    --size_;
    return true;
  }

  // Sizes the table for n values without further growth.
  template <typename KeyOf>
  void Reserve(size_t n, const KeyOf& key_of) {
    while (n * 10 > buckets_.size() * 6) Grow(key_of);
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return buckets_.capacity() * sizeof(uint32_t); }

 private:
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  template <typename KeyOf>
  void Grow(const KeyOf& key_of) {
    std::vector<uint32_t> old;
    old.swap(buckets_);
    const size_t capacity = old.empty() ? 16 : old.size() * 2;
    buckets_.assign(capacity, kNone);
    mask_ = capacity - 1;
    shift_ = 64 - __builtin_ctzll(capacity);
    for (uint32_t v : old) {
      if (v == kNone) continue;
      size_t i = Home(key_of(v));
      while (buckets_[i] != kNone) i = (i + 1) & mask_;
      buckets_[i] = v;
    }
  }

  std::vector<uint32_t> buckets_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace muster

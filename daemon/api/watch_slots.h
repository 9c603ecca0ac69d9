// WatchSlots: bounds the WatchActivation streams open at once, per caller and
// overall. Each open stream holds an event-hub subscription (up to its
// buffer of events) and a connection's worth of gRPC state, so without a
// bound one client could exhaust the daemon's memory. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace muster::api {

class WatchSlots {
 public:
  // Defaults: 8 streams per caller, 64 in all.
  static constexpr size_t kDefaultPerCaller = 8;
  static constexpr size_t kDefaultTotal = 64;

  explicit WatchSlots(size_t per_caller = kDefaultPerCaller, size_t total = kDefaultTotal)
      : per_caller_(per_caller), total_(total) {}

  // An open stream's slot; returned when destroyed. Not copyable.
  class Slot {
   public:
    Slot(WatchSlots* owner, std::string caller) : owner_(owner), caller_(std::move(caller)) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_), caller_(std::move(other.caller_)) {
      other.owner_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->Release(caller_);
    }

   private:
    WatchSlots* owner_;
    std::string caller_;
  };

  // A slot for caller, or nothing with `why` saying which limit is reached
  // (for a RESOURCE_EXHAUSTED message).
  std::optional<Slot> Acquire(const std::string& caller, std::string& why);

  size_t open() const;

 private:
  void Release(const std::string& caller);

  const size_t per_caller_;
  const size_t total_;
  mutable std::mutex mu_;
  std::map<std::string, size_t> by_caller_;
  size_t open_ = 0;
};

}  // namespace muster::api

#include "store/writer_lock.h"

namespace muster {

void WriterLock::lock() {
  std::unique_lock guard(mutex_);
  released_.wait(guard, [this] { return !held_; });
  held_ = true;
}

bool WriterLock::try_lock() {
  std::lock_guard guard(mutex_);
  if (held_) return false;
  held_ = true;
  return true;
}

void WriterLock::unlock() {
  {
    std::lock_guard guard(mutex_);
    held_ = false;
  }
  released_.notify_one();
}

}  // namespace muster

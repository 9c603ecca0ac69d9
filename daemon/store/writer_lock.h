// WriterLock: the store's single-writer lock. Unlike std::mutex it may be
// released by a thread other than the one that took it: an atomic import
// holds it from BeginImport to Finish, and an RPC's steps can run on
// different threads. Satisfies Lockable, so std::unique_lock works with it.
//
// Thread-safe. Not recursive: a thread that takes it twice deadlocks.
#pragma once

#include <condition_variable>
#include <mutex>

namespace muster {

class WriterLock {
 public:
  void lock();
  bool try_lock();
  void unlock();

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
};

}  // namespace muster

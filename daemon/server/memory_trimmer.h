// MemoryTrimmer: hands memory the process has freed back to the kernel every
// `interval` (glibc malloc_trim). musterd keeps freed memory for reuse (see
// daemon/main.cpp: bursts of a big activation reuse it instead of faulting
// pages in again), but a flood of large requests — even refused ones, whose
// bytes gRPC buffers before it checks their size — would otherwise leave the
// resident size at its peak for good. A burst in progress holds its memory
// (it is in use, not free), so trimming between bursts costs it nothing.
// Owns one thread ("mem-trim"); thread-safe; stops when destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace muster {

class MemoryTrimmer {
 public:
  explicit MemoryTrimmer(std::chrono::milliseconds interval);
  ~MemoryTrimmer();
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;

 private:
  void Run();

  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace muster

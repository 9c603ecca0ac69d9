#include "store/wal_checkpointer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace muster {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                int threshold_pages) {
  SqliteDbOptions options;
  options.cache_size_kib = 1024;  // a checkpoint copies frames, it caches nothing
  options.mmap_size = 0;
  auto db = SqliteDb::Open(path, options);
  if (!db.ok()) return db.status();
  std::unique_ptr<WalCheckpointer> checkpointer(
      new WalCheckpointer(std::move(db).value(), threshold_pages));
  checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Run(); });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::OnCommit(int wal_pages) {
  if (wal_pages < threshold_pages_) return;
  {
    std::lock_guard lock(mutex_);
    if (requested_) return;
    requested_ = true;
  }
  wake_.notify_one();
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

void WalCheckpointer::Run() {
  pthread_setname_np(pthread_self(), "wal-checkpoint");  // for top and perf
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    Status st = db_->CheckpointPassive();
    if (!st.ok()) spdlog::warn("WAL checkpoint: {}", st.ToString());
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace muster

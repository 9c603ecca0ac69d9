// RosterImport: one bulk import in progress. Rows arrive in chunks; each is
// validated and handed to the store's ImportSession; errors are collected with
// their line numbers. Not thread-safe: one caller (the RPC handler) drives it.
//
// Two stages: the caller validates a chunk (on top of reading and converting
// it), then queues it for a writer thread that owns the ImportSession and
// writes chunks in order (SQLite and the change listener, i.e. the ranking
// index). At most kQueuedChunks chunks wait between the two, so memory stays
// bounded and a slow database holds the caller back. When several chunks are
// waiting, the writer takes them together (up to kMaxWriteRows rows) in one
// ImportSession::Write, i.e. one transaction: every commit rewrites the
// pages of the index B-trees it touched, so fewer, larger commits write
// much less when the database is the bottleneck. Finish drains the queue
// and waits for the writer before it finishes the session, so when it
// returns every chunk has been written (and, unless atomic, committed).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/status.h"
#include "roster/model.h"
#include "store/roster_store.h"

namespace muster {

class Roster;

struct ImportRowError {
  int64_t line = 0;
  Status status;  // field() names the field at fault, message() the reason
};

struct ImportReport {
  int64_t received = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t rejected = 0;
  std::vector<ImportRowError> errors;  // sorted by line, at most kMaxListedErrors
  bool committed = false;
};

class RosterImport {
 public:
  static constexpr size_t kMaxListedErrors = 10000;

  // Chunks validated and waiting for the writer thread.
  static constexpr size_t kQueuedChunks = 8;
  // Rows the writer takes into one Write at most (whole chunks; at least one).
  static constexpr size_t kMaxWriteRows = 8192;

  RosterImport(const Roster& roster, std::unique_ptr<ImportSession> session, bool atomic,
               bool dry_run);
  // Stops the writer thread once it has written what is queued (up to
  // kQueuedChunks chunks: a non-atomic import has committed them); the
  // session is then destroyed without Finish, which rolls back the rest.
  ~RosterImport();
  RosterImport(const RosterImport&) = delete;
  RosterImport& operator=(const RosterImport&) = delete;

  // A row the client could not parse, or whose conversion failed.
  void AddRejected(int64_t line, Status status);
  // Validates rows (moved from) and queues the valid ones for writing;
  // blocks while kQueuedChunks chunks are waiting.
  void AddRows(std::vector<ImportItem> rows);
  // Commits (unless dry run, or atomic with any rejected row) and reports.
  // abandon = true (e.g. the client cancelled) rolls back what is uncommitted.
  Result<ImportReport> Finish(bool abandon = false);

 private:
  void Reject(int64_t line, Status status);  // report_mutex_ held
  void WriteChunks();                        // the writer thread
  void StopWriter();                         // drains the queue, joins

  const Roster& roster_;
  std::unique_ptr<ImportSession> session_;  // used by the writer thread until it stops
  bool atomic_;
  bool dry_run_;
  std::mutex report_mutex_;  // report_ is updated by both threads
  ImportReport report_;
  BoundedQueue<std::vector<ImportItem>> queue_{kQueuedChunks};
  std::thread writer_;
};

}  // namespace muster

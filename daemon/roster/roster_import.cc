#include "roster/roster_import.h"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <iterator>

#include "roster/roster.h"

namespace muster {

RosterImport::RosterImport(const Roster& roster, std::unique_ptr<ImportSession> session,
                           bool atomic, bool dry_run)
    : roster_(roster),
      session_(std::move(session)),
      atomic_(atomic),
      dry_run_(dry_run),
      writer_([this] { WriteChunks(); }) {}

RosterImport::~RosterImport() {
  StopWriter();
}

void RosterImport::Reject(int64_t line, Status status) {
  ++report_.rejected;
  if (report_.errors.size() < kMaxListedErrors) {
    report_.errors.push_back({line, std::move(status)});
  }
}

void RosterImport::AddRejected(int64_t line, Status status) {
  std::lock_guard lock(report_mutex_);
  ++report_.received;
  Reject(line, std::move(status));
}

void RosterImport::AddRows(std::vector<ImportItem> rows) {
  std::vector<ImportItem> valid;
  valid.reserve(rows.size());
  std::vector<ImportRowError> invalid;
  for (auto& row : rows) {
    Status st = roster_.Validate(row.reservist);
    if (!st.ok()) {
      invalid.push_back({row.line, std::move(st)});
    } else {
      valid.push_back(std::move(row));
    }
  }
  {
    std::lock_guard lock(report_mutex_);
    report_.received += static_cast<int64_t>(rows.size());
    for (auto& e : invalid) Reject(e.line, std::move(e.status));
  }
  if (valid.empty()) return;
  std::vector<int64_t> lines;  // for the report, should the queue refuse them
  lines.reserve(valid.size());
  for (const auto& row : valid) lines.push_back(row.line);
  if (!queue_.Push(std::move(valid))) {
    std::lock_guard lock(report_mutex_);
    for (int64_t line : lines) Reject(line, Status::Aborted("the import was already finished"));
  }
}

void RosterImport::WriteChunks() {
  pthread_setname_np(pthread_self(), "import-writer");  // for top and perf
  while (std::optional<std::vector<ImportItem>> chunk = queue_.Pop()) {
    while (chunk->size() < kMaxWriteRows) {
      std::optional<std::vector<ImportItem>> next = queue_.TryPop();
      if (!next) break;
      std::move(next->begin(), next->end(), std::back_inserter(*chunk));
    }
    std::vector<ImportItemResult> results;
    try {
      results = session_->Write(*chunk);
    } catch (const std::exception& e) {
      // On this thread an exception would end the daemon: every row of the
      // write is reported instead (out of memory, mostly).
      results.clear();
      for (const auto& row : *chunk) {
        results.push_back(
            {row.line, Status::Internal(fmt::format("writing the row failed: {}", e.what()))});
      }
    }
    int64_t created = 0, updated = 0;
    std::lock_guard lock(report_mutex_);
    for (auto& result : results) {
      if (!result.status.ok()) {
        Reject(result.line, std::move(result.status));
      } else {
        ++(result.created ? created : updated);
      }
    }
    report_.created += created;
    report_.updated += updated;
  }
}

void RosterImport::StopWriter() {
  queue_.Close();  // the writer still writes what is queued, then stops
  if (writer_.joinable()) writer_.join();
}

Result<ImportReport> RosterImport::Finish(bool abandon) {
  StopWriter();
  bool commit = !abandon && !dry_run_ && !(atomic_ && report_.rejected > 0);
  MUSTER_RETURN_IF_ERROR(session_->Finish(commit));
  // Non-atomic imports commit chunk by chunk, so their rows are stored even
  // when the stream is abandoned part way.
  report_.committed = !dry_run_ && (atomic_ ? commit : true);
  std::stable_sort(
      report_.errors.begin(), report_.errors.end(),
      [](const ImportRowError& a, const ImportRowError& b) { return a.line < b.line; });
  return std::move(report_);
}

}  // namespace muster

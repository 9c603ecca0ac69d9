#include "roster/roster_import.h"

#include <algorithm>

#include "roster/roster.h"

namespace muster {

RosterImport::RosterImport(const Roster& roster, std::unique_ptr<ImportSession> session,
                           bool atomic, bool dry_run)
    : roster_(roster), session_(std::move(session)), atomic_(atomic), dry_run_(dry_run) {}

void RosterImport::Reject(int64_t line, Status status) {
  ++report_.rejected;
  if (report_.errors.size() < kMaxListedErrors) {
    report_.errors.push_back({line, std::move(status)});
  }
}

void RosterImport::AddRejected(int64_t line, Status status) {
  ++report_.received;
  Reject(line, std::move(status));
}

void RosterImport::AddRows(std::vector<ImportItem> rows) {
  report_.received += static_cast<int64_t>(rows.size());
  std::vector<ImportItem> valid;
  valid.reserve(rows.size());
  for (auto& row : rows) {
    Status st = roster_.Validate(row.reservist);
    if (!st.ok()) {
      Reject(row.line, std::move(st));
    } else {
      valid.push_back(std::move(row));
    }
  }
  if (valid.empty()) return;
  for (auto& result : session_->Write(valid)) {
    if (!result.status.ok()) {
      Reject(result.line, std::move(result.status));
    } else if (result.created) {
      ++report_.created;
    } else {
      ++report_.updated;
    }
  }
}

Result<ImportReport> RosterImport::Finish(bool abandon) {
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

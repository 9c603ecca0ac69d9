// Streaming a roster CSV file into RosterService.ImportReservists.
//
// Two threads keep the stream full: a parser thread turns CSV records into
// ImportChunk messages (about chunk_rows rows each) while the calling thread
// writes finished chunks to the stream. Chunk messages and their rows are
// recycled, so a steady-state import allocates almost nothing per row. At most a few chunks are in
// flight, so memory stays bounded whatever the file size.
//
// Deadlines: the stream has no overall deadline (a million rows may take
// minutes on a slow disk); a StallWatchdog cancels it when a chunk cannot be
// written for `stall_timeout` (a dead or stuck server), and after the last
// chunk the summary must arrive within stall_timeout plus one second per
// 10,000 rows sent (time for the daemon to commit).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "muster/v1/roster.grpc.pb.h"
#include "roster_csv.h"

namespace muster::client {

// A row whose encoding is larger than this is not sent: it is reported as
// unparsed (a legitimate reservist with every list at its maximum takes some
// 40 KiB).
inline constexpr size_t kMaxImportRowBytes = 256 << 10;

struct ImportSettings {
  // Sent as ImportOptions. Defaults false.
  bool atomic = false;
  bool dry_run = false;
  // A chunk is sent when it holds this many rows (parsed and unparsed)...
  // Default 1000.
  int chunk_rows = 1000;
  // ...or when the CSV text behind it reaches this many bytes. Default 1 MiB.
  int64_t chunk_bytes = 1 << 20;
  // ...or when its encoded rows reach this many bytes. Default 512 KiB:
  // with a row of at most kMaxImportRowBytes on top, every message stays
  // under musterd's 1 MiB limit per received message.
  int64_t chunk_message_bytes = 512 << 10;
  // See the header comment. Default 10 s.
  std::chrono::milliseconds stall_timeout{10'000};
  // Rows per second the daemon is assumed to commit at least, for the
  // summary wait. Default 10,000.
  int64_t min_commit_rows_per_second = 10'000;
};

struct ImportOutcome {
  // The call's status; OK means `summary` is the daemon's answer. A stalled
  // stream gives DEADLINE_EXCEEDED with a message saying so.
  grpc::Status status;
  muster::v1::ImportSummary summary;
  // Records sent: parsed rows and client-side parse failures (unparsed).
  int64_t rows_sent = 0;
  int64_t unparsed_sent = 0;
};

// Called on the calling thread after each chunk is written, with the records
// sent so far and the input bytes they came from.
using ImportProgressFn = std::function<void(int64_t records, int64_t bytes)>;

// Streams every record of `reader` (whose header has been read). Blocks until
// the summary arrives or the call fails.
ImportOutcome StreamImport(muster::v1::RosterService::StubInterface& stub, RosterCsvReader& reader,
                           const ImportSettings& settings,
                           const ImportProgressFn& on_progress = nullptr);

// Rows rejected only because their skill codes are missing from the
// daemon's catalogue (the usual cause when a roster moves to a new
// deployment).
struct UnknownSkillRejections {
  std::vector<std::string> codes;  // sorted, each once
  int64_t rows = 0;                // rejected rows
  bool all_default = false;        // every code is in the default catalogue
};

// Set when every listed error of `summary` is "unknown skill code '...'" on
// a skills[N].skill field (and there is at least one); nullopt otherwise.
// Only the first error of each row is reported, so such rows may have other
// faults too, which a second import shows.
std::optional<UnknownSkillRejections> OnlyUnknownSkills(const muster::v1::ImportSummary& summary);

// Replaces the per-line listing for OnlyUnknownSkills: names the missing
// codes once and the command that adds them, e.g.
//   300 rows were rejected only because their skills are not in the catalogue:
//   missing skill codes: first_aid, welfare
//   add them with:  musterctl skill import --default
//   (then run the import again; or in one step: musterctl roster import FILE --with-skills
//   CATALOGUE)
std::string RenderUnknownSkills(const UnknownSkillRejections& rejections);

}  // namespace muster::client

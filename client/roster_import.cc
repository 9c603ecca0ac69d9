#include "roster_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "core/bounded_queue.h"
#include "roster/skill_catalogue_csv.h"
#include "stall_watchdog.h"

namespace muster::client {
namespace {

// Chunks being filled or written at once: one with the parser, one with the
// writer, the rest queued between them.
constexpr size_t kPoolSize = 4;

struct Chunk {
  std::unique_ptr<v1::ImportRequest> request;
  int64_t records = 0;  // rows + unparsed
  int64_t unparsed = 0;
  int64_t bytes_end = 0;  // input bytes consumed once this chunk was full
};

using RequestPool = BoundedQueue<std::unique_ptr<v1::ImportRequest>>;

// Rows taken out of sent chunks for reuse. protobuf frees a row's reservist
// on ImportRow::Clear() (which clearing a chunk calls), so rows are moved out
// whole instead and only their reservists are cleared (keeping the memory of
// their strings and lists): a steady-state import then allocates almost
// nothing per row. Used by the parser thread only.
class RowRecycler {
 public:
  // Takes every row out of `chunk` for reuse.
  void Reclaim(v1::ImportChunk* chunk) {
    auto* rows = chunk->mutable_rows();
    if (rows->empty()) return;
    std::vector<v1::ImportRow*> taken(rows->size());
    rows->ExtractSubrange(0, rows->size(), taken.data());
    for (v1::ImportRow* row : taken) spare_.emplace_back(row);
  }
  // Appends a row to `chunk`, reused if possible.
  v1::ImportRow* Add(v1::ImportChunk* chunk) {
    if (spare_.empty()) return chunk->add_rows();
    v1::ImportRow* row = spare_.back().release();
    spare_.pop_back();
    chunk->mutable_rows()->AddAllocated(row);
    return row;
  }
  // Takes back the last row of `chunk` (added by Add, then not used).
  void Unadd(v1::ImportChunk* chunk) { spare_.emplace_back(chunk->mutable_rows()->ReleaseLast()); }

 private:
  std::vector<std::unique_ptr<v1::ImportRow>> spare_;
};

// Fills chunk->request with records from the reader. Returns false when the
// reader is exhausted.
bool FillChunk(RosterCsvReader& reader, const ImportSettings& settings, RowRecycler& recycler,
               Chunk* chunk) {
  v1::ImportChunk* out = chunk->request->mutable_chunk();
  recycler.Reclaim(out);
  out->Clear();
  const int64_t start_bytes = reader.bytes_consumed();
  v1::RowError error;
  bool more = true;
  // Encoded size of the message so far (each entry adds a tag and a length
  // of at most 4 bytes).
  int64_t message_bytes = 0;
  auto add_unparsed = [&](const v1::RowError& e) {
    *out->add_unparsed() = e;
    message_bytes += static_cast<int64_t>(e.ByteSizeLong()) + 4;
    ++chunk->records;
    ++chunk->unparsed;
  };
  while (more && chunk->records < settings.chunk_rows &&
         reader.bytes_consumed() - start_bytes < settings.chunk_bytes &&
         message_bytes < settings.chunk_message_bytes) {
    v1::ImportRow* row = recycler.Add(out);
    switch (reader.Next(row, &error)) {
      case RosterCsvReader::Outcome::kRow: {
        const size_t size = row->ByteSizeLong();
        if (size > kMaxImportRowBytes) {
          // Sent, it would take the whole chunk past musterd's message limit.
          v1::RowError too_big;
          too_big.set_line(row->line());
          too_big.set_message(
              fmt::format("row takes {} bytes; at most {} are accepted", size, kMaxImportRowBytes));
          recycler.Unadd(out);
          add_unparsed(too_big);
          break;
        }
        message_bytes += static_cast<int64_t>(size) + 4;
        ++chunk->records;
        break;
      }
      case RosterCsvReader::Outcome::kError:
        recycler.Unadd(out);
        add_unparsed(error);
        break;
      case RosterCsvReader::Outcome::kEnd:
        recycler.Unadd(out);
        more = false;
        break;
    }
  }
  chunk->bytes_end = reader.bytes_consumed();
  return more;
}

// The parser thread: fills chunks from the pool until the input ends (then
// closes `full`) or a queue is closed by the writer.
void ParseChunks(RosterCsvReader& reader, const ImportSettings& settings, RequestPool& pool,
                 BoundedQueue<Chunk>& full) {
  RowRecycler recycler;
  for (bool more = true; more;) {
    std::optional<std::unique_ptr<v1::ImportRequest>> request = pool.Pop();
    if (!request) return;
    Chunk chunk;
    chunk.request = std::move(*request);
    more = FillChunk(reader, settings, recycler, &chunk);
    if (chunk.records > 0 && !full.Push(std::move(chunk))) return;
  }
  full.Close();
}

// Writes chunks until the parser is done (true) or a write fails (false).
bool WriteChunks(grpc::ClientWriterInterface<v1::ImportRequest>& writer, RequestPool& pool,
                 BoundedQueue<Chunk>& full, StallWatchdog& watchdog, ImportOutcome* outcome,
                 const ImportProgressFn& on_progress) {
  for (;;) {
    watchdog.Pause();  // waiting for the parser is not the server's fault
    std::optional<Chunk> chunk = full.Pop();
    watchdog.Resume();
    if (!chunk) return true;
    if (!writer.Write(*chunk->request)) return false;
    outcome->rows_sent += chunk->records;
    outcome->unparsed_sent += chunk->unparsed;
    if (on_progress) on_progress(outcome->rows_sent, chunk->bytes_end);
    pool.Push(std::move(chunk->request));
  }
}

grpc::Status StalledStatus(std::chrono::milliseconds limit) {
  return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                      fmt::format("the import made no progress for {:.1f} s and was cancelled",
                                  static_cast<double>(limit.count()) / 1000));
}

}  // namespace

ImportOutcome StreamImport(v1::RosterService::StubInterface& stub, RosterCsvReader& reader,
                           const ImportSettings& settings, const ImportProgressFn& on_progress) {
  ImportOutcome outcome;
  grpc::ClientContext context;
  StallWatchdog watchdog(&context, settings.stall_timeout);
  auto writer = stub.ImportReservists(&context, &outcome.summary);

  v1::ImportRequest options;
  options.mutable_options()->set_atomic(settings.atomic);
  options.mutable_options()->set_dry_run(settings.dry_run);
  bool ok = writer->Write(options);

  RequestPool pool(kPoolSize);
  BoundedQueue<Chunk> full(kPoolSize);
  for (size_t i = 0; i < kPoolSize; ++i) pool.Push(std::make_unique<v1::ImportRequest>());
  std::thread parser([&] { ParseChunks(reader, settings, pool, full); });
  ok = ok && WriteChunks(*writer, pool, full, watchdog, &outcome, on_progress);
  pool.Close();
  full.Close();
  parser.join();

  if (ok) writer->WritesDone();
  // Writing stalled (fired already), or waiting for the summary did.
  std::chrono::milliseconds limit = watchdog.limit();
  if (!watchdog.fired()) {
    int64_t rate = std::max<int64_t>(1, settings.min_commit_rows_per_second);
    limit = settings.stall_timeout + std::chrono::milliseconds(outcome.rows_sent * 1000 / rate);
    watchdog.SetLimit(limit);
  }
  outcome.status = writer->Finish();
  // (A summary that arrived just as the watchdog fired still counts.)
  if (watchdog.fired() && !outcome.status.ok()) outcome.status = StalledStatus(limit);
  return outcome;
}

std::optional<UnknownSkillRejections> OnlyUnknownSkills(const v1::ImportSummary& summary) {
  // The daemon's wording (roster/validate.cc, store/skill_cache.cc).
  static const std::regex kField(R"(skills\[\d+\]\.skill)");
  static const std::regex kMessage(R"(unknown skill code '([^']*)')");
  if (summary.errors().empty()) return std::nullopt;
  std::set<std::string> codes;
  for (const v1::RowError& error : summary.errors()) {
    std::smatch match;
    if (!std::regex_match(error.field(), kField) ||
        !std::regex_match(error.message(), match, kMessage)) {
      return std::nullopt;
    }
    codes.insert(match[1].str());
  }
  UnknownSkillRejections out;
  out.codes.assign(codes.begin(), codes.end());
  out.rows = summary.rejected();
  out.all_default = std::all_of(out.codes.begin(), out.codes.end(), [](const std::string& code) {
    const auto& defaults = DefaultSkillCatalogue();
    return std::any_of(defaults.begin(), defaults.end(),
                       [&](const Skill& s) { return s.code == code; });
  });
  return out;
}

std::string RenderUnknownSkills(const UnknownSkillRejections& rejections) {
  std::string out = fmt::format(
      "{} row{} rejected only because {} skills are not in the catalogue:\n"
      "missing skill codes: {}\n",
      rejections.rows, rejections.rows == 1 ? " was" : "s were",
      rejections.rows == 1 ? "its" : "their", fmt::join(rejections.codes, ", "));
  if (rejections.all_default) {
    out += "add them with:  musterctl skill import --default\n";
  } else {
    out +=
        "add them with:  musterctl skill import CATALOGUE.csv  (a `musterctl skill export` "
        "of the deployment the file came from)\n";
  }
  out +=
      "then run the import again; or in one step:  musterctl roster import FILE "
      "--with-skills CATALOGUE.csv\n";
  return out;
}

}  // namespace muster::client

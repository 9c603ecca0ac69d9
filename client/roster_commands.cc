// musterctl roster import | export. Output formats are documented in
// client/README.md; the CSV format in docs/roster-csv.md.
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "private_file.h"
#include "progress.h"
#include "roster/skill_catalogue_csv.h"
#include "roster_csv.h"
#include "roster_fields.h"
#include "roster_import.h"
#include "roster_view.h"
#include "skill_catalogue_transfer.h"
#include "stall_watchdog.h"

namespace muster::client {
namespace {

struct ImportArgs {
  std::string file;
  bool atomic = false;
  bool dry_run = false;
  int chunk_rows = 1000;
  std::string with_skills;  // a catalogue file imported first; empty: none
};

struct ExportArgs {
  std::string file;  // empty: stdout
  bool no_id = false;
  std::string skill, status, area;
  std::string with_skills;  // also write the skill catalogue here; empty: no
};

// Size of a regular file, or 0 if unknown (a pipe, stdin).
int64_t FileSize(const std::string& path) {
  std::error_code ec;
  if (path == "-" || !std::filesystem::is_regular_file(path, ec)) return 0;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// --with-skills: brings the catalogue up to the file before any row is sent
// (the same rules as `skill import`).
int ImportCatalogueFirst(CommandEnv& env, const std::string& path) {
  auto skills = ReadSkillCatalogueFile(path);
  if (!skills.ok()) return env.Fail(kExitFailed, skills.status().message());
  SkillImportReport report = ImportSkillCatalogue(env.connection(), *skills, /*dry_run=*/false);
  if (!report.status.ok()) return env.Fail(report.status);
  if (!report.out_of_range.empty()) return env.Fail(kExitFailed, RenderOutOfRange(report));
  if (!env.json()) env.out() << RenderSkillImportSummary(report, /*dry_run=*/false);
  return kExitOk;
}

int RunImport(CommandEnv& env, const ImportArgs& args) {
  std::ifstream file;
  std::istream* in = &env.in();
  if (args.file != "-") {
    file.open(args.file, std::ios::binary);
    if (!file)
      return env.Fail(kExitFailed,
                      fmt::format("cannot open {}: {}", args.file, std::strerror(errno)));
    in = &file;
  }
  auto reader = RosterCsvReader::Open(*in);
  if (!reader.ok()) {
    return env.Fail(kExitFailed, fmt::format("{}: {}", args.file, reader.status().message()));
  }
  if (!args.with_skills.empty()) {
    if (int code = ImportCatalogueFirst(env, args.with_skills); code != kExitOk) return code;
  }
  ImportSettings settings;
  settings.atomic = args.atomic;
  settings.dry_run = args.dry_run;
  settings.chunk_rows = args.chunk_rows;
  settings.stall_timeout = env.connection().options().timeout;
  ProgressBar progress(env.err(), env.stderr_is_terminal(), FileSize(args.file));
  ImportOutcome outcome =
      StreamImport(env.connection().roster(), **reader, settings,
                   [&](int64_t records, int64_t bytes) { progress.Update(records, bytes); });
  progress.Finish();
  if (!outcome.status.ok()) {
    int code = env.Fail(outcome.status);
    if (!args.atomic && !args.dry_run && outcome.rows_sent > 0) {
      env.err() << "note: rows sent before the failure may have been stored\n";
    }
    return code;
  }
  env.out() << (env.json() ? ToJson(outcome.summary) + "\n"
                           : RenderImportSummary(outcome.summary, args.dry_run));
  return outcome.summary.rejected() > 0 ? kExitFailed : kExitOk;
}

// Where export writes: stdout, or a temporary file renamed over FILE only
// when the export is complete, so a failed export never leaves a truncated
// file that looks whole.
class ExportSink {
 public:
  ExportSink(CommandEnv& env, std::string file) : env_(env), file_(std::move(file)) {}
  ~ExportSink() {
    if (!committed_ && !file_.empty()) std::remove(temp_.c_str());
  }
  // Opens the temporary file; false (with errno set) on failure.
  bool Open() {
    if (file_.empty()) return true;
    temp_ = file_ + ".part";
    return OpenPrivateFile(temp_, stream_);  // 0600: the roster is personal data
  }
  std::ostream& stream() { return file_.empty() ? env_.out() : stream_; }
  // Flushes and renames into place; false on a write error.
  bool Commit() {
    stream().flush();
    if (!stream()) return false;
    if (file_.empty()) return committed_ = true;
    stream_.close();
    std::error_code ec;
    std::filesystem::rename(temp_, file_, ec);
    return committed_ = !ec;
  }

 private:
  CommandEnv& env_;
  std::string file_;
  std::string temp_;
  std::ofstream stream_;
  bool committed_ = false;
};

v1::ListReservistsRequest ExportFilter(const ExportArgs& args) {
  v1::ListReservistsRequest request;
  request.set_skill(args.skill);
  request.set_home_area(args.area);
  v1::ReservistStatus status = v1::RESERVIST_STATUS_UNSPECIFIED;
  (void)ParseReservistStatus(args.status, &status);  // checked by CLI11
  request.set_status(status);
  return request;
}

// Streams the export into `sink`; returns the call's status and the count.
grpc::Status StreamExport(CommandEnv& env, const ExportArgs& args, bool json_lines,
                          ExportSink& sink, int64_t* count) {
  RosterCsvWriteOptions options;
  options.include_id = !args.no_id;
  grpc::ClientContext context;
  StallWatchdog watchdog(&context, env.connection().options().timeout);
  auto reader = env.connection().roster().ExportReservists(&context, ExportFilter(args));
  ProgressBar progress(env.err(), env.stderr_is_terminal() && !args.file.empty(), 0);
  std::string buffer = json_lines ? "" : RosterCsvHeader(options);
  v1::Reservist reservist;
  while (reader->Read(&reservist)) {
    watchdog.Progress();
    if (json_lines) {
      buffer += ToJson(reservist) + "\n";
    } else {
      AppendRosterCsvRecord(reservist, options, &buffer);
    }
    progress.Update(++*count, 0);
    if (buffer.size() >= (1 << 20)) {
      watchdog.Pause();  // a slow reader of stdout (| less) is not the server's fault
      sink.stream() << buffer;
      watchdog.Resume();
      buffer.clear();
    }
  }
  sink.stream() << buffer;
  grpc::Status status = reader->Finish();
  if (watchdog.fired() && !status.ok()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "the export made no progress within --timeout and was cancelled");
  }
  return status;
}

int RunExport(CommandEnv& env, const ExportArgs& args) {
  ExportSink sink(env, args.file);
  if (!sink.Open()) {
    return env.Fail(kExitFailed,
                    fmt::format("cannot write {}: {}", args.file, std::strerror(errno)));
  }
  // JSON lines only replace CSV on stdout; a named file is always CSV.
  bool json_lines = env.json() && args.file.empty();
  int64_t count = 0;
  grpc::Status status = StreamExport(env, args, json_lines, sink, &count);
  if (!status.ok()) return env.Fail(status);
  if (!sink.Commit()) {
    return env.Fail(kExitFailed,
                    fmt::format("cannot write {}", args.file.empty() ? "to stdout" : args.file));
  }
  if (!args.with_skills.empty()) {
    std::vector<Skill> skills;
    status = FetchSkillCatalogue(env.connection(), &skills);
    if (!status.ok()) return env.Fail(status);
    Status written = WriteFileAtomically(args.with_skills, FormatSkillCatalogueCsv(skills));
    if (!written.ok()) return env.Fail(kExitFailed, written.message());
  }
  if (args.file.empty()) return kExitOk;
  if (env.json()) {
    env.out() << nlohmann::json{{"exported", count}, {"file", args.file}}.dump() << '\n';
  } else {
    env.out() << fmt::format("exported {} reservists to {}\n", count, args.file);
  }
  return kExitOk;
}

void AddImportCommand(CLI::App& roster, CommandEnv& env) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = roster.add_subcommand(
      "import",
      "Import reservists from a CSV file (format: docs/roster-csv.md); rows with a "
      "known external_id replace that reservist, others are created");
  cmd->add_option("file", args->file, "CSV file, or - for stdin")->required();
  cmd->add_flag("--atomic", args->atomic, "Store nothing if any row is rejected");
  cmd->add_flag("--dry-run", args->dry_run, "Check every row, store nothing");
  cmd->add_option("--chunk-rows", args->chunk_rows, "Rows per message on the stream")
      ->check(WholeNumberIn(1, 10000))
      ->capture_default_str();
  cmd->add_option("--with-skills", args->with_skills,
                  "Import this skill catalogue file first (as `skill import` does), e.g. the "
                  "one `roster export --with-skills` wrote")
      ->excludes("--dry-run");
  OnRun(cmd, env, [&env, args] { return RunImport(env, *args); });
}

void AddExportCommand(CLI::App& roster, CommandEnv& env) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = roster.add_subcommand(
      "export", "Export reservists as CSV (format: docs/roster-csv.md), in id order");
  cmd->add_option("file", args->file, "CSV file to write (default: stdout)");
  cmd->add_flag("--no-id", args->no_id,
                "Leave out the id column (ids are daemon-assigned; files then compare equal "
                "across daemons)");
  cmd->add_option("--skill", args->skill, "Only reservists holding this skill code");
  cmd->add_option("--status", args->status, "Only reservists with this status")
      ->check(CLI::IsMember({"active", "suspended"}));
  cmd->add_option("--area", args->area, "Only reservists of this home area");
  cmd->add_option("--with-skills", args->with_skills,
                  "Also write the skill catalogue to this file, for `roster import "
                  "--with-skills` on another deployment");
  OnRun(cmd, env, [&env, args] { return RunExport(env, *args); });
}

}  // namespace

void RegisterRosterCommands(CLI::App& root, CommandEnv& env) {
  CLI::App* roster = root.add_subcommand("roster", "Bulk import and export of the roster");
  AddImportCommand(*roster, env);
  AddExportCommand(*roster, env);
}

}  // namespace muster::client

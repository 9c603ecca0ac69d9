// Store import benchmark: how long the SQLite roster store takes to import a
// generated roster, against raw SQLite inserting the same rows into the same
// schema with one prepared INSERT per row, in one transaction (the baseline).
//
//   store_import_bench [reservists=1000000] [chunk=1000] [dir=/tmp]
//                      [which=all|raw|raw0004|store|atomic|store0|atomic0]
//
// which: raw = the baseline only (the current schema: a reservists row with
// its packed lists, a row per skill holding); raw0004 = the same rows in the
// schema before 0005 (a row per channel, window and unavailability too);
// store = non-atomic import with a change listener (the daemon's default
// path); atomic = atomic import with a listener; store0 / atomic0 = the same
// without a listener; all = everything.
//
// Rows average ~1.6 skills, ~1.5 channels, 2 weekly windows; 1 in 20 has an
// unavailability. Generation is not timed; each run starts from a fresh
// database file. Wall and CPU time are both printed: on a shared machine wall
// time mostly measures the neighbours.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "store/migrator.h"
#include "store/packed_children.h"
#include "store/schema_sql.h"
#include "store/sqlite_db.h"
#include "store/sqlite_roster_store.h"

namespace muster {
namespace {

constexpr const char* kSkillCodes[] = {"first_aid", "driver_4x4", "radio", "boat", "chainsaw",
                                       "search",    "welfare",    "flood", "cook", "logistics"};
constexpr const char* kAreas[] = {"gloucestershire", "worcestershire", "herefordshire",
                                  "cumbria",         "lancashire",     "somerset",
                                  "devon",           "cornwall",       "kent"};

using Clock = std::chrono::steady_clock;

// Wall, CPU (user + system, all threads), system and this thread's CPU
// seconds since construction. The store checkpoints the WAL on a thread of
// its own: the difference between cpu() and thread_cpu().
class Stopwatch {
 public:
  Stopwatch()
      : start_(Clock::now()), cpu_(Cpu(false)), sys_(Cpu(true)), thread_(Cpu(false, true)) {}
  double wall() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double cpu() const { return Cpu(false) - cpu_; }
  double sys() const { return Cpu(true) - sys_; }
  double thread_cpu() const { return Cpu(false, true) - thread_; }

 private:
  static double Cpu(bool system_only, bool this_thread = false) {
    rusage usage{};
    getrusage(this_thread ? RUSAGE_THREAD : RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return (system_only ? 0 : seconds(usage.ru_utime)) + seconds(usage.ru_stime);
  }
  Clock::time_point start_;
  double cpu_;
  double sys_;
  double thread_;
};

Reservist GenerateOne(int i, std::mt19937_64& rng) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Reservist r;
  r.external_id = fmt::format("NVR-{:07d}", i + 1);
  r.name = fmt::format("Reservist Number {}", i + 1);
  r.lat = 50.0 + uniform(0, 500000) / 100000.0;
  r.lon = -5.0 + uniform(0, 600000) / 100000.0;
  r.postcode = fmt::format("GL{} {}AB", uniform(1, 99), uniform(1, 9));
  r.home_area = kAreas[uniform(0, 8)];
  r.max_travel_km = uniform(10, 100);
  r.channels.push_back({ChannelKind::kSms, fmt::format("+4477009{:05d}", i % 100000)});
  if (uniform(0, 1) == 1) r.channels.push_back({ChannelKind::kEmail, r.external_id + "@ex.org"});
  const int skills = uniform(0, 9) < 4 ? 1 : 2;  // 1.6 on average
  const int first = uniform(0, 9);
  for (int s = 0; s < skills; ++s) {
    std::optional<Date> expires;
    if (uniform(0, 1)) expires = Date{20000 + uniform(0, 2000)};
    r.skills.push_back({kSkillCodes[(first + s * 3) % 10], 1 + uniform(0, 2),
                        expires ? "St John Ambulance" : "", expires});
  }
  r.availability = {{uniform(1, 5), 18 * 60, 23 * 60}, {6, 0, 0}};
  if (uniform(0, 19) == 0) r.unavailable.push_back({Date{20100}, Date{20114}, "holiday"});
  return r;
}

std::vector<std::vector<ImportItem>> Generate(int n, int chunk) {
  std::mt19937_64 rng(42);
  std::vector<std::vector<ImportItem>> chunks;
  for (int i = 0; i < n; ++i) {
    if (i % chunk == 0) chunks.emplace_back().reserve(chunk);
    chunks.back().push_back({i + 2, GenerateOne(i, rng)});  // line 1 is a CSV header
  }
  return chunks;
}

// ---------------------------------------------------------------- baseline

void Check(int rc, sqlite3* db, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  fmt::print(stderr, "{}: {}\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

// Plain sqlite3 API: one prepared INSERT per table, a statement per row, no
// upsert logic, no error mapping, no listener; same schema and pragmas.
// packed: the current schema; else the schema as of 0004 (child tables).
class RawInserter {
 public:
  RawInserter(const std::string& path, bool packed);
  ~RawInserter();
  void Exec(const char* sql) { Check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_, sql); }
  void Insert(const Reservist& r);

 private:
  enum { kParent, kChannel, kSkill, kWindow, kUnavailability, kCount };
  void Text(int s, int i, const std::string& v) {
    sqlite3_bind_text(st_[s], i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void Run(int s) {
    Check(sqlite3_step(st_[s]), db_, "step");
    sqlite3_reset(st_[s]);
  }
  void InsertChildren(int64_t id, const Reservist& r);

  const bool packed_;
  PackedChildren lists_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_[kCount] = {};
};

RawInserter::RawInserter(const std::string& path, bool packed) : packed_(packed) {
  {  // schema through the store's own migrations
    auto db = SqliteDb::Open(path, SqliteDbOptions());
    auto migrations = SchemaMigrations();
    if (!packed) migrations = migrations.first(4);
    if (!db.ok() || !Migrator(migrations).Apply(**db).ok()) std::exit(1);
  }
  Check(sqlite3_open(path.c_str(), &db_), db_, "open");
  Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
      "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
  for (const char* code : kSkillCodes) {
    Exec(fmt::format("INSERT INTO skills VALUES ('{}', '{}', 1, 5, 0, 0)", code, code).c_str());
  }
  const char* sql[kCount] = {
      packed ? "INSERT INTO reservists (external_id, name, lat, lon, postcode, home_area, "
               "max_travel_km, status, created_at_ms, updated_at_ms, channels, windows, "
               "unavailability) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12)"
             : "INSERT INTO reservists (external_id, name, lat, lon, postcode, home_area, "
               "max_travel_km, status, created_at_ms, updated_at_ms) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
      "INSERT INTO reservist_channels VALUES (?1, ?2, ?3, ?4)",
      "INSERT INTO reservist_skills VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "INSERT INTO reservist_windows VALUES (?1, ?2, ?3, ?4, ?5)",
      "INSERT INTO reservist_unavailability VALUES (?1, ?2, ?3, ?4, ?5)"};
  for (int i = 0; i < kCount; ++i) {
    if (packed && i != kParent && i != kSkill) continue;  // views since 0005
    Check(sqlite3_prepare_v2(db_, sql[i], -1, &st_[i], nullptr), db_, sql[i]);
  }
}

RawInserter::~RawInserter() {
  for (sqlite3_stmt* s : st_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

void RawInserter::Insert(const Reservist& r) {
  Text(kParent, 1, r.external_id);
  Text(kParent, 2, r.name);
  sqlite3_bind_double(st_[kParent], 3, r.lat);
  sqlite3_bind_double(st_[kParent], 4, r.lon);
  Text(kParent, 5, r.postcode);
  Text(kParent, 6, r.home_area);
  sqlite3_bind_double(st_[kParent], 7, r.max_travel_km);
  sqlite3_bind_int(st_[kParent], 8, static_cast<int>(r.status));
  sqlite3_bind_int64(st_[kParent], 9, 1700000000000);
  if (packed_) {
    PackChildren(r, lists_);
    Text(kParent, 10, lists_.channels);
    Text(kParent, 11, lists_.windows);
    Text(kParent, 12, lists_.unavailability);
  }
  Run(kParent);
  InsertChildren(sqlite3_last_insert_rowid(db_), r);
}

void RawInserter::InsertChildren(int64_t id, const Reservist& r) {
  auto head = [&](int s, size_t position) {
    sqlite3_bind_int64(st_[s], 1, id);
    sqlite3_bind_int64(st_[s], 2, static_cast<int64_t>(position));
  };
  for (size_t i = 0; i < r.skills.size(); ++i) {
    head(kSkill, i);
    Text(kSkill, 3, r.skills[i].skill);
    sqlite3_bind_int(st_[kSkill], 4, r.skills[i].level);
    Text(kSkill, 5, r.skills[i].cert_issuer);
    if (r.skills[i].cert_expires) sqlite3_bind_int(st_[kSkill], 6, r.skills[i].cert_expires->days);
    Run(kSkill);
    sqlite3_clear_bindings(st_[kSkill]);  // cert_expires NULL unless set
  }
  if (packed_) return;
  for (size_t i = 0; i < r.channels.size(); ++i) {
    head(kChannel, i);
    sqlite3_bind_int(st_[kChannel], 3, static_cast<int>(r.channels[i].kind));
    Text(kChannel, 4, r.channels[i].address);
    Run(kChannel);
  }
  for (size_t i = 0; i < r.availability.size(); ++i) {
    head(kWindow, i);
    sqlite3_bind_int(st_[kWindow], 3, r.availability[i].day);
    sqlite3_bind_int(st_[kWindow], 4, r.availability[i].start_min);
    sqlite3_bind_int(st_[kWindow], 5, r.availability[i].end_min);
    Run(kWindow);
  }
  for (size_t i = 0; i < r.unavailable.size(); ++i) {
    head(kUnavailability, i);
    sqlite3_bind_int(st_[kUnavailability], 3, r.unavailable[i].from.days);
    sqlite3_bind_int(st_[kUnavailability], 4, r.unavailable[i].until.days);
    Text(kUnavailability, 5, r.unavailable[i].reason);
    Run(kUnavailability);
  }
}

// noinline: a profiler can attribute cost to each run.
[[gnu::noinline]] void RunRaw(const std::string& path,
                              const std::vector<std::vector<ImportItem>>& chunks, size_t n,
                              bool packed) {
  RawInserter raw(path, packed);
  Stopwatch watch;
  raw.Exec("BEGIN");
  for (const auto& chunk : chunks) {
    for (const ImportItem& item : chunk) raw.Insert(item.reservist);
  }
  raw.Exec("COMMIT");
  fmt::print(
      "raw sqlite{}, one transaction: {:6.2f} s (cpu {:6.2f}, sys {:5.2f})  {:7.0f} rows/s; "
      "database and WAL {} MB\n",
      packed ? "" : " (0004 schema)", watch.wall(), watch.cpu(), watch.sys(), n / watch.wall(),
      (std::filesystem::file_size(path) + std::filesystem::file_size(path + "-wal")) / 1000000);
}

// ---------------------------------------------------------------- store

[[gnu::noinline]] void RunStore(const std::string& path,
                                std::vector<std::vector<ImportItem>>& chunks, size_t n, bool atomic,
                                bool listener) {
  auto store = SqliteRosterStore::Open(path);
  if (!store.ok()) std::exit(1);
  for (const char* code : kSkillCodes) {
    if (!(*store)->UpsertSkill({code, code, 1, 5}).ok()) std::exit(1);
  }
  size_t notified = 0;
  if (listener) {
    (*store)->SetChangeListener([&](const RosterChange& c) { notified += c.upserted.size(); });
  }
  Stopwatch watch;
  int64_t rejected = 0;
  auto session = (*store)->BeginImport(atomic, false);
  if (!session.ok()) std::exit(1);
  for (auto& chunk : chunks) {
    for (const auto& result : (*session)->Write(chunk)) rejected += !result.status.ok();
  }
  Stopwatch finish;
  if (!(*session)->Finish(true).ok()) std::exit(1);
  fmt::print(
      "store {:10} listener {:3}: {:6.2f} s (cpu {:6.2f}, sys {:5.2f}, writing thread {:6.2f})  "
      "{:7.0f} rows/s  (of which Finish {:.2f} s; rejected {}, notified {})\n",
      atomic ? "atomic" : "non-atomic", listener ? "on" : "off", watch.wall(), watch.cpu(),
      watch.sys(), watch.thread_cpu(), n / watch.wall(), finish.wall(), rejected, notified);

  Stopwatch scan;
  size_t seen = 0;
  if (!(*store)->ForEachReservist({}, [&](const Reservist&) { return ++seen > 0; }).ok()) {
    std::exit(1);
  }
  fmt::print("  ForEachReservist over {} reservists: {:.2f} s (cpu {:.2f})\n", seen, scan.wall(),
             scan.cpu());
  store->reset();
  Stopwatch reopen;
  auto reopened = SqliteRosterStore::Open(path);  // includes PRAGMA quick_check
  fmt::print(
      "  reopen with quick_check: {:.2f} s; database {} MB\n", reopen.wall(),
      (std::filesystem::file_size(path) + std::filesystem::file_size(path + "-wal")) / 1000000);
}

}  // namespace
}  // namespace muster

int main(int argc, char** argv) {
  using namespace muster;
  spdlog::set_level(spdlog::level::warn);
  const int n = argc > 1 ? std::stoi(argv[1]) : 1000000;
  const int chunk = argc > 2 ? std::stoi(argv[2]) : 1000;
  const std::string dir = argc > 3 ? argv[3] : "/tmp";
  const std::string which = argc > 4 ? argv[4] : "all";
  const std::string path = dir + "/store_import_bench.db";
  auto fresh = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  };
  fmt::print("generating {} reservists in chunks of {}...\n", n, chunk);
  auto chunks = Generate(n, chunk);

  if (which == "raw" || which == "all") {
    fresh();
    RunRaw(path, chunks, n, true);
  }
  if (which == "raw0004" || which == "all") {
    fresh();
    RunRaw(path, chunks, n, false);
  }
  for (bool atomic : {false, true}) {
    const std::string mode = atomic ? "atomic" : "store";
    if (which != "all" && which.rfind(mode, 0) != 0) continue;
    for (bool listener : {false, true}) {
      if (which != "all" && listener == (which.back() == '0')) continue;
      fresh();
      RunStore(path, chunks, n, atomic, listener);
    }
  }
  fresh();
  return 0;
}

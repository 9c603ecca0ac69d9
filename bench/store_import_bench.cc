// Store import benchmark: how long the SQLite roster store takes to import a
// generated roster, against raw SQLite inserting the same rows into the same
// schema in one transaction (the floor any store code can reach).
//
//   store_import_bench [reservists=1000000] [chunk=1000] [dir=/tmp]
//   [which=all|raw|store|atomic|store0|atomic0]
//
// which: raw = the baseline only; store = non-atomic import with a listener
// (the daemon's default path); atomic = atomic import with a listener;
// store0 / atomic0 = the same without a listener.
//
// Rows average ~1.6 skills, ~1.5 channels, 2 weekly windows; 1 in 20 has an
// unavailability. Generation is not timed. Each run uses a fresh database.
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
double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds (user + system) of this process: with other work on the
// machine, wall time overstates the cost; both are reported.
double CpuSeconds(bool system_only = false) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto tv = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return (system_only ? 0 : tv(usage.ru_utime)) + tv(usage.ru_stime);
}

std::vector<std::vector<ImportItem>> Generate(int n, int chunk) {
  std::mt19937_64 rng(42);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<std::vector<ImportItem>> chunks;
  for (int i = 0; i < n; ++i) {
    if (i % chunk == 0) chunks.emplace_back().reserve(chunk);
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
    int skills = uniform(0, 9) < 4 ? 1 : (uniform(0, 4) < 4 ? 2 : 1);  // ~1.6
    int first = uniform(0, 9);
    for (int s = 0; s < skills; ++s) {
      std::optional<Date> expires;
      if (uniform(0, 1)) expires = Date{20000 + uniform(0, 2000)};
      r.skills.push_back({kSkillCodes[(first + s * 3) % 10], 1 + uniform(0, 2),
                          expires ? "St John Ambulance" : "", expires});
    }
    r.availability = {{uniform(1, 5), 18 * 60, 23 * 60}, {6, 0, 0}};
    if (uniform(0, 19) == 0) r.unavailable.push_back({Date{20100}, Date{20114}, "holiday"});
    chunks.back().push_back({i + 2, std::move(r)});
  }
  return chunks;
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fmt::print(stderr, "{}: {}\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// The baseline: plain INSERTs with prepared statements, one transaction, no
// upsert logic, no error mapping, no listener.
struct Timing {
  double wall = 0;
  double cpu = 0;
  double sys = 0;
};

[[gnu::noinline]] Timing RawSqlite(const std::string& path,
                                   const std::vector<std::vector<ImportItem>>& chunks) {
  {
    auto db = SqliteDb::Open(path, SqliteDbOptions());
    if (!db.ok() || !Migrator(SchemaMigrations()).Apply(**db).ok()) std::exit(1);
    for (const char* code : kSkillCodes) {
      (*db)->Exec(
          fmt::format("INSERT INTO skills VALUES ('{}', '{}', 1, 5, 0, 0)", code, code).c_str());
    }
  }
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "open");
  Check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                     "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                     nullptr, nullptr, nullptr),
        db, "pragmas");
  const char* sql[] = {
      "INSERT INTO reservists (external_id, name, lat, lon, postcode, home_area, max_travel_km,"
      " status, created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
      "INSERT INTO reservist_channels VALUES (?1, ?2, ?3, ?4)",
      "INSERT INTO reservist_skills VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      "INSERT INTO reservist_windows VALUES (?1, ?2, ?3, ?4, ?5)",
      "INSERT INTO reservist_unavailability VALUES (?1, ?2, ?3, ?4, ?5)"};
  sqlite3_stmt* st[5];
  for (int i = 0; i < 5; ++i)
    Check(sqlite3_prepare_v2(db, sql[i], -1, &st[i], nullptr), db, sql[i]);
  auto run = [&](sqlite3_stmt* s) {
    Check(sqlite3_step(s), db, "step");
    sqlite3_reset(s);
  };
  auto t0 = Clock::now();
  double cpu0 = CpuSeconds();
  double sys0 = CpuSeconds(true);
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  for (const auto& chunk : chunks) {
    for (const ImportItem& item : chunk) {
      const Reservist& r = item.reservist;
      sqlite3_bind_text(st[0], 1, r.external_id.data(), r.external_id.size(), SQLITE_STATIC);
      sqlite3_bind_text(st[0], 2, r.name.data(), r.name.size(), SQLITE_STATIC);
      sqlite3_bind_double(st[0], 3, r.lat);
      sqlite3_bind_double(st[0], 4, r.lon);
      sqlite3_bind_text(st[0], 5, r.postcode.data(), r.postcode.size(), SQLITE_STATIC);
      sqlite3_bind_text(st[0], 6, r.home_area.data(), r.home_area.size(), SQLITE_STATIC);
      sqlite3_bind_double(st[0], 7, r.max_travel_km);
      sqlite3_bind_int(st[0], 8, 1);
      sqlite3_bind_int64(st[0], 9, 1700000000000);
      run(st[0]);
      int64_t id = sqlite3_last_insert_rowid(db);
      for (size_t i = 0; i < r.channels.size(); ++i) {
        sqlite3_bind_int64(st[1], 1, id);
        sqlite3_bind_int(st[1], 2, i);
        sqlite3_bind_int(st[1], 3, static_cast<int>(r.channels[i].kind));
        const std::string& a = r.channels[i].address;
        sqlite3_bind_text(st[1], 4, a.data(), a.size(), SQLITE_STATIC);
        run(st[1]);
      }
      for (size_t i = 0; i < r.skills.size(); ++i) {
        const SkillHolding& h = r.skills[i];
        sqlite3_bind_int64(st[2], 1, id);
        sqlite3_bind_int(st[2], 2, i);
        sqlite3_bind_text(st[2], 3, h.skill.data(), h.skill.size(), SQLITE_STATIC);
        sqlite3_bind_int(st[2], 4, h.level);
        sqlite3_bind_text(st[2], 5, h.cert_issuer.data(), h.cert_issuer.size(), SQLITE_STATIC);
        if (h.cert_expires) {
          sqlite3_bind_int(st[2], 6, h.cert_expires->days);
        } else {
          sqlite3_bind_null(st[2], 6);
        }
        run(st[2]);
      }
      for (size_t i = 0; i < r.availability.size(); ++i) {
        sqlite3_bind_int64(st[3], 1, id);
        sqlite3_bind_int(st[3], 2, i);
        sqlite3_bind_int(st[3], 3, r.availability[i].day);
        sqlite3_bind_int(st[3], 4, r.availability[i].start_min);
        sqlite3_bind_int(st[3], 5, r.availability[i].end_min);
        run(st[3]);
      }
      for (size_t i = 0; i < r.unavailable.size(); ++i) {
        const Unavailability& u = r.unavailable[i];
        sqlite3_bind_int64(st[4], 1, id);
        sqlite3_bind_int(st[4], 2, i);
        sqlite3_bind_int(st[4], 3, u.from.days);
        sqlite3_bind_int(st[4], 4, u.until.days);
        sqlite3_bind_text(st[4], 5, u.reason.data(), u.reason.size(), SQLITE_STATIC);
        run(st[4]);
      }
    }
  }
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  Timing timing{Seconds(t0), CpuSeconds() - cpu0, CpuSeconds(true) - sys0};
  for (auto* s : st) sqlite3_finalize(s);
  sqlite3_close(db);
  return timing;
}

struct StoreRun {
  double import_s = 0;
  double import_cpu_s = 0;
  double import_sys_s = 0;
  double finish_s = 0;  // of import_s: Finish (commit, listener read-back)
  double foreach_s = 0;
  double reopen_s = 0;
  int64_t rejected = 0;
};

[[gnu::noinline]] StoreRun Store(const std::string& path,
                                 std::vector<std::vector<ImportItem>>& chunks, bool atomic,
                                 bool listener) {
  StoreRun run;
  auto store = SqliteRosterStore::Open(path);
  if (!store.ok()) std::exit(1);
  for (const char* code : kSkillCodes) (*store)->UpsertSkill({code, code, 1, 5});
  size_t notified = 0;
  if (listener) {
    (*store)->SetChangeListener([&](const RosterChange& c) { notified += c.upserted.size(); });
  }
  auto t0 = Clock::now();
  double cpu0 = CpuSeconds();
  double sys0 = CpuSeconds(true);
  auto session = (*store)->BeginImport(atomic, false);
  for (auto& chunk : chunks) {
    for (const auto& result : (*session)->Write(chunk)) run.rejected += !result.status.ok();
  }
  auto finish_start = Clock::now();
  if (!(*session)->Finish(true).ok()) std::exit(1);
  run.finish_s = Seconds(finish_start);
  run.import_s = Seconds(t0);
  run.import_cpu_s = CpuSeconds() - cpu0;
  run.import_sys_s = CpuSeconds(true) - sys0;
  if (listener) fmt::print("  listener saw {} reservists\n", notified);

  t0 = Clock::now();
  size_t n = 0;
  (*store)->ForEachReservist({}, [&](const Reservist&) { return ++n > 0; });
  run.foreach_s = Seconds(t0);
  store->reset();
  t0 = Clock::now();
  auto reopened = SqliteRosterStore::Open(path);  // with quick_check
  run.reopen_s = Seconds(t0);
  return run;
}

}  // namespace
}  // namespace muster

int main(int argc, char** argv) {
  using namespace muster;
  spdlog::set_level(spdlog::level::warn);
  int n = argc > 1 ? std::stoi(argv[1]) : 1000000;
  int chunk = argc > 2 ? std::stoi(argv[2]) : 1000;
  std::string dir = argc > 3 ? argv[3] : "/tmp";
  std::string which = argc > 4 ? argv[4] : "all";
  std::string path = dir + "/store_import_bench.db";
  auto fresh = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  };
  fmt::print("generating {} reservists in chunks of {}...\n", n, chunk);
  auto generate_start = Clock::now();
  auto chunks = Generate(n, chunk);
  fmt::print("generated in {:.2f} s\n", Seconds(generate_start));

  if (which == "raw" || which == "all") {
    fresh();
    Timing raw = RawSqlite(path, chunks);
    fmt::print(
        "raw sqlite, one transaction:   {:6.2f} s (cpu {:6.2f} s, sys {:5.2f})  {:9.0f} rows/s  "
        "({} MB)\n",
        raw.wall, raw.cpu, raw.sys, n / raw.wall, std::filesystem::file_size(path) / 1000000);
  }
  for (bool atomic : {false, true}) {
    const std::string mode = atomic ? "atomic" : "store";
    if (which != "all" && which.rfind(mode, 0) != 0) continue;
    for (bool listener : {false, true}) {
      if (which != "all" && listener == (which.back() == '0')) continue;
      fresh();
      StoreRun run = Store(path, chunks, atomic, listener);
      fmt::print(
          "store {:10} listener {:3}:  {:6.2f} s (cpu {:6.2f} s, sys {:5.2f})  {:9.0f} rows/s  "
          "(rejected {}; "
          "Finish {:.2f} s; ForEach {:.2f} s; reopen+quick_check {:.2f} s)\n",
          atomic ? "atomic" : "non-atomic", listener ? "on" : "off", run.import_s, run.import_cpu_s,
          run.import_sys_s, n / run.import_s, run.rejected, run.finish_s, run.foreach_s,
          run.reopen_s);
    }
  }
  fresh();
  return 0;
}

// The baseline for bench/rank_bench.cc: the same activation question answered
// by a straightforward SQL query in SQLite, with an R*Tree index on home
// location. Eligibility is decided in SQL (one query for all requirements); the
// rows are then scored and selected by the same SelectCandidates as the
// engine, so the two selections must be identical.
//
// Schema choices a plain SQL design would make: one row per reservist, an
// R*Tree over (lat, lon), holdings keyed (reservist_id, skill), weekly
// windows stored as normalised week-minute intervals (so "covered" is a
// containment test), dated unavailability as day numbers, and a SQL function
// muster_distance_km() wrapping the engine's great-circle distance.
// Not thread-safe.
#pragma once

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "ranking/activation_ranker.h"
#include "ranking/geo.h"
#include "ranking/rank_request.h"
#include "ranking/selection.h"
#include "ranking/week_minutes.h"
#include "roster/model.h"

namespace muster::bench {

class SqliteBaseline {
 public:
  explicit SqliteBaseline(const std::string& path) {
    std::remove(path.c_str());
    Check(sqlite3_open(path.c_str(), &db_), "open");
    Exec(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;"
        "PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;");
    Exec(kSchema);
    Check(sqlite3_create_function(db_, "muster_distance_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                  nullptr, &DistanceFn, nullptr, nullptr),
          "create function");
    insert_reservist_ = Prepare(
        "INSERT INTO reservist(id, lat, lon, max_travel_km, status, has_windows) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    insert_rtree_ = Prepare("INSERT INTO reservist_rtree VALUES (?, ?, ?, ?, ?)");
    insert_holding_ = Prepare("INSERT OR IGNORE INTO holding VALUES (?, ?, ?, ?)");
    insert_window_ = Prepare("INSERT INTO weekly_window VALUES (?, ?, ?)");
    insert_unavailable_ = Prepare("INSERT INTO unavailable VALUES (?, ?, ?)");
    Exec("BEGIN");
  }
  ~SqliteBaseline() {
    for (sqlite3_stmt* s : {insert_reservist_, insert_rtree_, insert_holding_, insert_window_,
                            insert_unavailable_, query_, insert_busy_, insert_need_, insert_req_}) {
      sqlite3_finalize(s);
    }
    sqlite3_close(db_);
  }
  SqliteBaseline(const SqliteBaseline&) = delete;
  SqliteBaseline& operator=(const SqliteBaseline&) = delete;

  void Add(const Reservist& r) {
    const std::vector<WeekInterval> windows = WeeklyWindowsToIntervals(r.availability);
    const bool has_windows = !windows.empty() && !CoversWholeWeek(windows);
    Run(insert_reservist_, {r.id}, {r.lat, r.lon, r.max_travel_km},
        {static_cast<int64_t>(r.status), has_windows});
    Run(insert_rtree_, {r.id}, {r.lat, r.lat, r.lon, r.lon}, {});
    for (const SkillHolding& h : r.skills) {
      BindInt(insert_holding_, 1, r.id);
      sqlite3_bind_text(insert_holding_, 2, h.skill.c_str(), -1, SQLITE_TRANSIENT);
      BindInt(insert_holding_, 3, h.level);
      if (h.cert_expires) {
        BindInt(insert_holding_, 4, h.cert_expires->days);
      } else {
        sqlite3_bind_null(insert_holding_, 4);
      }
      Step(insert_holding_);
    }
    for (const WeekInterval& w : has_windows ? windows : std::vector<WeekInterval>{}) {
      Run(insert_window_, {r.id, w.start, w.end}, {}, {});
    }
    for (const Unavailability& u : r.unavailable) {
      Run(insert_unavailable_, {r.id, u.from.days, u.until.days}, {}, {});
    }
  }

  // Ends the load: commits and indexes.
  void Finish() {
    Exec("COMMIT");
    Exec(
        "CREATE INDEX weekly_window_by_reservist ON weekly_window(reservist_id);"
        "CREATE INDEX unavailable_by_reservist ON unavailable(reservist_id);"
        "CREATE TEMP TABLE busy(reservist_id INTEGER PRIMARY KEY, activation_id INTEGER);"
        "CREATE TEMP TABLE need(start_min INTEGER, end_min INTEGER);"
        "CREATE TEMP TABLE req(skill TEXT PRIMARY KEY, idx INTEGER, min_level INTEGER);");
    query_ = Prepare(kQuery);
    insert_busy_ = Prepare("INSERT OR REPLACE INTO temp.busy VALUES (?, ?)");
    insert_need_ = Prepare("INSERT INTO temp.need VALUES (?, ?)");
    insert_req_ = Prepare("INSERT INTO temp.req VALUES (?, ?, ?)");
  }

  // Eligible candidates of each requirement, decided in SQL.
  // Eligible candidates of each requirement, decided in SQL: one query
  // over the bounding box, joined to the requirements' skills.
  std::vector<std::vector<EligibleCandidate>> Eligible(const PreparedRequest& p) {
    LoadTempTables(p);
    const double theta = p.radius_km / kEarthRadiusKm;
    const double deg = 180 / std::numbers::pi;
    const double dlat = theta * deg + 1e-4;
    const double dlon =
        std::asin(std::min(1.0, std::sin(theta) / std::cos(p.lat / deg))) * deg + 1e-4;
    sqlite3_reset(query_);
    sqlite3_bind_double(query_, 1, p.lat);
    sqlite3_bind_double(query_, 2, p.lon);
    sqlite3_bind_double(query_, 3, p.lat - dlat);
    sqlite3_bind_double(query_, 4, p.lat + dlat);
    sqlite3_bind_double(query_, 5, p.lon - dlon);
    sqlite3_bind_double(query_, 6, p.lon + dlon);
    BindInt(query_, 7, p.window.first_day().days);
    BindInt(query_, 8, p.window.last_day().days);
    sqlite3_bind_double(query_, 9, p.radius_km);
    std::vector<std::vector<EligibleCandidate>> out(p.requirements.size());
    while (sqlite3_step(query_) == SQLITE_ROW) {
      out[static_cast<size_t>(sqlite3_column_int(query_, 0))].push_back(
          {sqlite3_column_int64(query_, 1), sqlite3_column_double(query_, 2),
           sqlite3_column_int(query_, 3)});
    }
    return out;
  }

  // The whole baseline answer: SQL eligibility, then the engine's selection.
  RankResult Rank(const PreparedRequest& p, const RankingConfig& config) {
    const auto eligible = Eligible(p);
    const Scorer scorer(config, *p.history, p.window.start_unix(), p.radius_km);
    return SelectCandidates(p.requirements, eligible, scorer, config);
  }

  int64_t FileBytes() {
    sqlite3_stmt* s =
        Prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    sqlite3_step(s);
    const int64_t bytes = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return bytes;
  }

 private:
  static constexpr const char* kSchema = R"sql(
    CREATE TABLE reservist(id INTEGER PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL,
                           max_travel_km REAL NOT NULL, status INTEGER NOT NULL,
                           has_windows INTEGER NOT NULL);
    CREATE VIRTUAL TABLE reservist_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
    CREATE TABLE holding(reservist_id INTEGER NOT NULL, skill TEXT NOT NULL,
                         level INTEGER NOT NULL, cert_expires INTEGER,
                         PRIMARY KEY (reservist_id, skill)) WITHOUT ROWID;
    CREATE TABLE weekly_window(reservist_id INTEGER NOT NULL, start_min INTEGER NOT NULL,
                               end_min INTEGER NOT NULL);
    CREATE TABLE unavailable(reservist_id INTEGER NOT NULL, from_day INTEGER NOT NULL,
                             until_day INTEGER NOT NULL);
  )sql";

  // CROSS JOIN fixes the join order (SQLite's idiom): the R*Tree first,
  // then the reservist's holdings by primary key, the requirement for each
  // skill, then the reservist, whose per-row subqueries thus only run for
  // holders of a required skill. Left to itself the planner chose a full scan
  // of holding. No ANALYZE either: with statistics it builds Bloom filters
  // over holding and reservist, a full scan of each on every execution.
  // ?1 ?2 centre; ?3-?6 bounding box; ?7 ?8 first and last day; ?9 radius.
  static constexpr const char* kQuery = R"sql(
    SELECT q.idx, r.id, muster_distance_km(?1, ?2, r.lat, r.lon) AS d, h.level
    FROM reservist_rtree AS g
    CROSS JOIN holding AS h ON h.reservist_id = g.id
    CROSS JOIN temp.req AS q ON q.skill = h.skill
    CROSS JOIN reservist AS r ON r.id = g.id
    WHERE g.min_lat <= ?4 AND g.max_lat >= ?3 AND g.min_lon <= ?6 AND g.max_lon >= ?5
      AND h.level >= q.min_level
      AND (h.cert_expires IS NULL OR h.cert_expires >= ?8)
      AND r.status = 1
      AND d <= ?9 AND d <= r.max_travel_km
      AND r.id NOT IN (SELECT reservist_id FROM temp.busy)
      AND NOT EXISTS (SELECT 1 FROM unavailable AS u
                      WHERE u.reservist_id = r.id AND u.from_day <= ?8 AND u.until_day >= ?7)
      AND (r.has_windows = 0 OR NOT EXISTS (
            SELECT 1 FROM temp.need AS n WHERE NOT EXISTS (
              SELECT 1 FROM weekly_window AS w
              WHERE w.reservist_id = r.id AND w.start_min <= n.start_min
                AND w.end_min >= n.end_min)))
  )sql";

  static void DistanceFn(sqlite3_context* ctx, int, sqlite3_value** v) {
    const GeoPoint a = GeoPoint::FromLatLon(sqlite3_value_double(v[0]), sqlite3_value_double(v[1]));
    const GeoPoint b = GeoPoint::FromLatLon(sqlite3_value_double(v[2]), sqlite3_value_double(v[3]));
    sqlite3_result_double(ctx, GreatCircleKm(a, b));
  }

  void LoadTempTables(const PreparedRequest& p) {
    Exec("DELETE FROM temp.busy; DELETE FROM temp.need; DELETE FROM temp.req;");
    for (size_t i = 0; i < p.requirements.size(); ++i) {
      sqlite3_bind_text(insert_req_, 1, p.requirements[i].skill.c_str(), -1, SQLITE_TRANSIENT);
      BindInt(insert_req_, 2, static_cast<int64_t>(i));
      BindInt(insert_req_, 3, p.requirements[i].min_level);
      Step(insert_req_);
    }
    for (const BusyReservist& b : p.busy)
      Run(insert_busy_, {b.reservist_id, b.activation_id}, {}, {});
    for (const WeekInterval& n : p.window.required()) Run(insert_need_, {n.start, n.end}, {}, {});
  }

  void Run(sqlite3_stmt* s, std::initializer_list<int64_t> ints,
           std::initializer_list<double> doubles, std::initializer_list<int64_t> more_ints) {
    int i = 1;
    for (int64_t v : ints) BindInt(s, i++, v);
    for (double v : doubles) sqlite3_bind_double(s, i++, v);
    for (int64_t v : more_ints) BindInt(s, i++, v);
    Step(s);
  }
  static void BindInt(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  void Step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) Check(rc, "step");
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    Check(sqlite3_prepare_v2(db_, sql, -1, &s, nullptr), sql);
    return s;
  }
  void Exec(const char* sql) { Check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }
  void Check(int rc, const std::string& what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
      throw std::runtime_error(what + ": " + sqlite3_errmsg(db_));
    }
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_reservist_ = nullptr;
  sqlite3_stmt* insert_rtree_ = nullptr;
  sqlite3_stmt* insert_holding_ = nullptr;
  sqlite3_stmt* insert_window_ = nullptr;
  sqlite3_stmt* insert_unavailable_ = nullptr;
  sqlite3_stmt* query_ = nullptr;
  sqlite3_stmt* insert_busy_ = nullptr;
  sqlite3_stmt* insert_need_ = nullptr;
  sqlite3_stmt* insert_req_ = nullptr;
};

}  // namespace muster::bench

// Ranking benchmark: the in-memory engine against a SQLite R*Tree baseline
// on synthetic rosters of several sizes. See docs/benchmarks.md ("Ranking").
//
//   rank_bench [--sizes=10000,100000,1000000] [--reps=300] [--baseline-reps=15]
//              [--baseline-max=1000000] [--db-dir=/tmp] [--seed=1]
//
// For each size: builds the index from a stream of generated reservists
// (timed, memory measured), loads the same roster into SQLite (up to
// --baseline-max), then runs a 3-requirement activation with a 50 km radius
// around a dense area (Birmingham) and a sparse one (Keswick, Cumbria),
// rotating over four start times. Reports median and p95 latency of the
// engine (validate + collect + score + select) and of the baseline (SQL
// eligibility + the same scoring and selection), their ratio, and whether
// every selection was identical (the run fails if not).
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "demo/synthetic_roster.h"
#include "rank_bench_sqlite.h"
#include "ranking/activation_ranker.h"
#include "ranking/roster_index.h"

namespace muster::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int64_t> sizes = {10000, 100000, 1000000};
  int reps = 300;
  int baseline_reps = 15;
  int64_t baseline_max = 1000000;
  std::string db_dir = "/tmp";
  uint64_t seed = 1;
};

struct Area {
  const char* name;
  double lat;
  double lon;
};

constexpr Area kAreas[] = {{"dense: Birmingham", 52.4862, -1.8904},
                           {"sparse: Keswick", 54.6013, -3.1347}};

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::vector<int64_t> ParseSizes(const char* text) {
  std::vector<int64_t> out;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    out.push_back(std::strtoll(p, &end, 10));
    p = *end == ',' ? end + 1 : end;
  }
  return out;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--sizes=")) {
      o.sizes = ParseSizes(v);
    } else if (const char* reps = value("--reps=")) {
      o.reps = std::atoi(reps);
    } else if (const char* baseline_reps = value("--baseline-reps=")) {
      o.baseline_reps = std::atoi(baseline_reps);
    } else if (const char* baseline_max = value("--baseline-max=")) {
      o.baseline_max = std::atoll(baseline_max);
    } else if (const char* db_dir = value("--db-dir=")) {
      o.db_dir = db_dir;
    } else if (const char* seed = value("--seed=")) {
      o.seed = std::strtoull(seed, nullptr, 10);
    } else {
      std::fprintf(stderr, "unknown flag %s (see the comment at the top of rank_bench.cc)\n",
                   argv[i]);
      std::exit(2);
    }
  }
  return o;
}

// Four activations per area: 12 first aiders (level 2+), 4 4x4 drivers and
// 3 flood rescuers within 50 km, at different times of the week and year
// (one over the October clock change), with 200 reservists busy elsewhere.
std::vector<RankRequest> Requests(const Area& area, int64_t roster_size) {
  const int64_t starts[] = {
      *ParseInstant("2026-07-15T07:00:00Z"), *ParseInstant("2026-07-17T17:00:00Z"),
      *ParseInstant("2026-10-24T19:00:00Z"), *ParseInstant("2026-12-05T09:30:00Z")};
  const int32_t durations[] = {12 * 60, 14 * 60, 12 * 60, 36 * 60};
  std::vector<RankRequest> out;
  for (int i = 0; i < 4; ++i) {
    RankRequest r;
    r.lat = area.lat;
    r.lon = area.lon;
    r.radius_km = 50;
    r.start_unix = starts[i];
    r.duration_minutes = durations[i];
    r.requirements = {{"first_aid", 2, 12}, {"driver_4x4", 1, 4}, {"flood_rescue", 1, 3}};
    for (int64_t k = 0; k < 200; ++k) {
      r.busy.push_back({1 + (k * 7919 + i * 104729) % roster_size, 900 + i});
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Bytes malloc has handed out and not had back, including large (mmapped)
// blocks.
size_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

struct BuildReport {
  double seconds = 0;
  IndexMemory memory;
  double heap_bytes = 0;  // malloc'd bytes held after the build
};

BuildReport BuildIndex(RosterIndex& index, const SyntheticRoster& gen, int64_t n) {
  index.SetSkills(StandardSkillCatalogue());
  const size_t heap_before = HeapInUse();
  Clock::duration in_index{};
  const Status s = index.Rebuild([&](const ReservistSink& sink) {
    for (int64_t i = 0; i < n; ++i) {
      const Reservist r = gen.Generate(i);
      const auto t0 = Clock::now();
      sink(r);
      in_index += Clock::now() - t0;
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "index build failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  BuildReport b;
  b.seconds = Ms(in_index) / 1000;
  b.memory = index.Memory();
  b.heap_bytes = static_cast<double>(HeapInUse() - heap_before);
  return b;
}

// CPU time of this thread, ms: unlike wall time, not inflated while other
// processes hold the (shared) cores.
double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Timing {
  double median_ms = 0;  // wall clock
  double p95_ms = 0;
  double cpu_median_ms = 0;  // thread CPU time
};

template <typename Fn>
Timing Time(int reps, Fn&& fn) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < reps; ++i) {
    const double c0 = ThreadCpuMs();
    const auto t0 = Clock::now();
    fn(i);
    wall.push_back(Ms(Clock::now() - t0));
    cpu.push_back(ThreadCpuMs() - c0);
  }
  std::fprintf(stderr, "  (cpu min %.3f ms, wall min %.3f ms over %d)\n", Percentile(cpu, 0),
               Percentile(wall, 0), reps);
  return {Percentile(wall, 0.5), Percentile(wall, 0.95), Percentile(cpu, 0.5)};
}

struct AreaReport {
  std::string area;
  int64_t eligible[3] = {0, 0, 0};
  CollectStats stats;
  Timing engine;
  std::optional<Timing> baseline;
  bool identical = true;
};

AreaReport RunArea(const Area& area, int64_t n, const RosterIndex& index, SqliteBaseline* baseline,
                   const Options& o) {
  const RankingConfig config;
  const ActivationRanker ranker(index, config);
  const std::vector<RankRequest> requests = Requests(area, n);
  AreaReport rep;
  rep.area = area.name;
  {
    const auto first = ranker.Rank(requests[0], &rep.stats);
    for (int i = 0; i < 3; ++i) rep.eligible[i] = first->requirements[i].eligible;
  }
  for (int i = 0; i < 20; ++i) (void)ranker.Rank(requests[i % 4]);  // warm up
  rep.engine = Time(o.reps, [&](int i) { (void)ranker.Rank(requests[i % 4]); });
  if (!baseline) return rep;
  for (const RankRequest& r : requests) {
    const auto ours = ranker.Rank(r);
    const auto prepared = index.Prepare(r);
    const RankResult theirs = baseline->Rank(*prepared, config);
    rep.identical = rep.identical && ours->selected == theirs.selected;
    for (size_t k = 0; k < theirs.requirements.size(); ++k) {
      rep.identical =
          rep.identical && ours->requirements[k].eligible == theirs.requirements[k].eligible;
    }
  }
  rep.baseline = Time(o.baseline_reps, [&](int i) {
    const auto prepared = index.Prepare(requests[i % 4]);
    (void)baseline->Rank(*prepared, config);
  });
  return rep;
}

void PrintSize(int64_t n, const BuildReport& b, double sqlite_load_s, int64_t sqlite_bytes,
               const std::vector<AreaReport>& areas) {
  std::printf("\n## %lld reservists\n", static_cast<long long>(n));
  std::printf(
      "index: build %.2f s, %.1f B/reservist by structure "
      "(records %.1f, postings %.1f, pools %.1f, hash tables %.1f), heap %.1f B/reservist\n",
      b.seconds, b.memory.per_reservist(), 1.0 * b.memory.records / n, 1.0 * b.memory.postings / n,
      1.0 * b.memory.pools / n, 1.0 * b.memory.hash_tables / n, b.heap_bytes / n);
  if (sqlite_load_s > 0) {
    std::printf("sqlite: load+index %.1f s, file %.0f B/reservist\n", sqlite_load_s,
                1.0 * sqlite_bytes / n);
  }
  std::printf(
      "| area | eligible (fa/4x4/flood) | postings scanned | engine median | engine p95 "
      "| engine CPU median | baseline median | baseline p95 | baseline CPU median "
      "| ratio (medians) | identical |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const AreaReport& a : areas) {
    std::printf("| %s | %lld/%lld/%lld | %lld | %.3f ms | %.3f ms | %.3f ms |", a.area.c_str(),
                static_cast<long long>(a.eligible[0]), static_cast<long long>(a.eligible[1]),
                static_cast<long long>(a.eligible[2]), static_cast<long long>(a.stats.postings),
                a.engine.median_ms, a.engine.p95_ms, a.engine.cpu_median_ms);
    if (a.baseline) {
      std::printf(" %.1f ms | %.1f ms | %.1f ms | %.0fx | %s |\n", a.baseline->median_ms,
                  a.baseline->p95_ms, a.baseline->cpu_median_ms,
                  a.baseline->median_ms / a.engine.median_ms, a.identical ? "yes" : "NO");
    } else {
      std::printf(" - | - | - | - | - |\n");
    }
  }
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  SyntheticRosterOptions gen_options;
  gen_options.seed = o.seed;
  const SyntheticRoster gen(gen_options);
  bool all_identical = true;
  for (const int64_t n : o.sizes) {
    RosterIndex index;
    const BuildReport build = BuildIndex(index, gen, n);
    std::unique_ptr<SqliteBaseline> baseline;
    double load_s = 0;
    int64_t db_bytes = 0;
    if (n <= o.baseline_max) {
      const auto t0 = Clock::now();
      baseline = std::make_unique<SqliteBaseline>(o.db_dir + "/rank_bench_baseline.db");
      for (int64_t i = 0; i < n; ++i) baseline->Add(gen.Generate(i));
      baseline->Finish();
      load_s = Ms(Clock::now() - t0) / 1000;
      db_bytes = baseline->FileBytes();
    }
    std::vector<AreaReport> areas;
    for (const Area& area : kAreas) {
      areas.push_back(RunArea(area, n, index, baseline.get(), o));
      all_identical = all_identical && areas.back().identical;
    }
    PrintSize(n, build, load_s, db_bytes, areas);
  }
  if (!all_identical) std::fprintf(stderr, "SELECTIONS DIFFER from the baseline\n");
  if (!std::getenv("RANK_BENCH_KEEP_DB"))
    std::remove((o.db_dir + "/rank_bench_baseline.db").c_str());
  return all_identical ? 0 : 1;
}

}  // namespace
}  // namespace muster::bench

int main(int argc, char** argv) {
  return muster::bench::Main(argc, argv);
}

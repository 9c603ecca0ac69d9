// Readiness matrix (every home area x every skill) at N reservists, from the
// in-memory index (RosterIndex::Readiness), against a baseline in the same
// run: the same counts computed by a plain loop over the roster's
// ReservistFacts in memory (no index, same rules). Both must agree.
//
//   readiness_bench [reservists=1000000] [runs=21]
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "core/civil_time.h"
#include "demo/synthetic_roster.h"
#include "ranking/activation_window.h"
#include "ranking/eligibility.h"
#include "ranking/roster_index.h"
#include "ranking/week_minutes.h"

namespace {

using namespace muster;
using Clock = std::chrono::steady_clock;

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Timing {
  double median_ms = 0, p95_ms = 0, cpu_median_ms = 0;
};

template <typename F>
Timing Measure(int runs, F&& f) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    const double c0 = ThreadCpuMs();
    const auto t0 = Clock::now();
    f();
    wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    cpu.push_back(ThreadCpuMs() - c0);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], wall[std::min(wall.size() - 1, wall.size() * 95 / 100)],
          cpu[cpu.size() / 2]};
}

using Key = std::pair<std::string, std::string>;

// The baseline: every reservist's facts in a vector, counted directly.
std::map<Key, ReadinessCell> Plain(const std::vector<ReservistFacts>& roster,
                                   const ReadinessQuery& q) {
  const ActivationWindow window(q.start_unix, q.end_unix);
  const int32_t today = q.today.days;
  std::map<Key, ReadinessCell> out;
  for (const ReservistFacts& f : roster) {
    if (f.status != ReservistStatus::kActive) continue;
    int free = -1;
    for (const auto& h : f.skills) {
      if (h.level < q.min_level) continue;
      ReadinessCell& cell = out[{f.home_area, h.skill}];
      if (h.cert_expires && h.cert_expires->days < today) {
        ++cell.lapsed;
        continue;
      }
      ++cell.holders;
      if (h.cert_expires) {
        cell.expiring_30 += h.cert_expires->days < today + 30;
        cell.expiring_90 += h.cert_expires->days < today + 90;
      }
      if (h.cert_expires && *h.cert_expires < window.last_day()) continue;
      if (free < 0) {
        bool ok = f.windows.empty() || CoversAll(f.windows, window.required());
        for (const DayRange& u : f.unavailable) {
          if (u.from <= window.last_day() && u.until >= window.first_day()) ok = false;
        }
        free = ok;
      }
      cell.available += free;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::stoll(argv[1]) : 1000000;
  const int runs = argc > 2 ? std::stoi(argv[2]) : 21;
  const SyntheticRoster gen;
  RosterIndex index;
  index.SetSkills(StandardSkillCatalogue());
  std::vector<ReservistFacts> roster;
  roster.reserve(static_cast<size_t>(n));
  const Status s = index.Rebuild([&](const ReservistSink& sink) {
    for (int64_t i = 0; i < n; ++i) {
      const Reservist r = gen.Generate(i);
      roster.push_back(ReservistFacts::FromReservist(r));
      sink(r);
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "index build failed: %s\n", s.ToString().c_str());
    return 1;
  }
  ReadinessQuery q;
  q.today = gen.options().reference_date;
  q.start_unix = 1780772400;  // Saturday 2026-06-06 20:00 BST, for 12 hours
  q.end_unix = q.start_unix + 12 * 3600;

  ReadinessMatrix m;
  const Timing engine = Measure(runs, [&] { m = index.Readiness(q).value(); });
  std::map<Key, ReadinessCell> plain;
  const Timing baseline = Measure(std::max(3, runs / 4), [&] { plain = Plain(roster, q); });

  // Same answer: every non-zero plain cell equals the matrix's.
  bool same = true;
  size_t nonzero = 0;
  for (const ReadinessCell& c : m.cells) {
    ReadinessCell want;
    if (auto it = plain.find({c.area, c.skill}); it != plain.end()) {
      want = it->second;
      ++nonzero;
    }
    want.area = c.area;
    want.skill = c.skill;
    same = same && want == c;
  }
  same = same && nonzero == plain.size();
  fmt::print("{} reservists, {} cells ({} areas x {} skills)\n", n, m.cells.size(),
             m.cells.size() / StandardSkillCatalogue().size(), StandardSkillCatalogue().size());
  fmt::print("| what | median | p95 | CPU median |\n| --- | --- | --- | --- |\n");
  fmt::print("| index (RosterIndex::Readiness) | {:.1f} ms | {:.1f} ms | {:.1f} ms |\n",
             engine.median_ms, engine.p95_ms, engine.cpu_median_ms);
  fmt::print("| baseline (plain loop over facts) | {:.1f} ms | {:.1f} ms | {:.1f} ms |\n",
             baseline.median_ms, baseline.p95_ms, baseline.cpu_median_ms);
  fmt::print("ratio (baseline / index, medians): {:.1f}x; identical: {}\n",
             baseline.median_ms / engine.median_ms, same ? "yes" : "NO");
  return same ? 0 : 1;
}

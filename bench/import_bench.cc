// End-to-end import benchmark: a synthetic roster written as CSV, imported
// through `musterctl roster import` into a real musterd on loopback with a
// fresh database. Reports wall time, rows/s, the CPU time musterctl and
// musterd used (musterd's also per thread: on a shared machine wall time
// mostly measures the neighbours, CPU time does not), and musterd's peak
// and current resident memory after the import (and after a restart, which
// rebuilds the ranking index from SQLite).
//
//   import_bench [reservists=1000000] [dir=/tmp]
//
// Run store_import_bench in the same session for the raw-SQLite baseline.
#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "api/convert.h"
#include "demo/synthetic_roster.h"
#include "roster_csv.h"
#include "support/proc_memory.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using muster::testing::CommandResult;
using muster::testing::MusterdProcess;
using muster::testing::ReadFile;
using muster::testing::ReadProcMemory;
using muster::testing::Run;
using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

// CPU seconds (user + system) in a /proc/.../stat file: of the process
// (threads that ended included) or of one thread; "name" gets its comm.
double StatCpu(const std::filesystem::path& path, std::string* name = nullptr) {
  std::ifstream in(path);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // pid (comm) state ... utime stime are fields 14 and 15; comm may hold spaces.
  const size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return 0;
  if (name != nullptr) *name = stat.substr(open + 1, close - open - 1);
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds of each live thread of a process, by "name:tid".
std::map<std::string, double> ThreadCpu(int pid) {
  std::map<std::string, double> out;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid))) {
    std::string name;
    const double cpu = StatCpu(task.path() / "stat", &name);
    out[name + ":" + task.path().filename().string()] = cpu;
  }
  return out;
}

double ChildrenCpu() {  // reaped children (musterctl runs), user + system
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void WriteCsv(const std::string& path, int64_t count) {
  muster::SyntheticRoster gen;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string buf = muster::client::RosterCsvHeader();
  muster::v1::Reservist proto;
  for (int64_t i = 0; i < count; ++i) {
    muster::Reservist r = gen.Generate(i);
    r.id = 0;  // the daemon assigns ids
    proto.Clear();
    muster::api::ToProto(r, &proto);
    proto.clear_created_at();
    proto.clear_updated_at();
    muster::client::AppendRosterCsvRecord(proto, {}, &buf);
    if (buf.size() > (1 << 20)) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
}

int Ctl(const MusterdProcess& d, const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {MUSTERCTL_PATH, "--server", d.address()};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = Run(argv, dir, std::chrono::minutes(10));
  if (r.exit_code != 0) fmt::print(stderr, "musterctl failed: {}{}\n", r.out, r.err);
  return r.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t count = argc > 1 ? std::stoll(argv[1]) : 1000000;
  std::string base = argc > 2 ? argv[2] : "/tmp";
  setenv("TMPDIR", base.c_str(), 1);
  muster::testing::TempDir dir;
  std::string csv = dir.File("roster.csv");

  auto t0 = SteadyClock::now();
  WriteCsv(csv, count);
  fmt::print(
      "generated {} reservists as CSV ({:.1f} MiB) in {:.1f} s (not timed below)\n", count,
      static_cast<double>(std::ifstream(csv, std::ios::ate | std::ios::binary).tellg()) / (1 << 20),
      Seconds(t0));

  std::string db = dir.File("muster.db");
  {
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    for (const auto& s : muster::StandardSkillCatalogue()) {
      if (Ctl(daemon, dir.path().string(),
              {"skill", "add", s.code, "--name", s.name, "--min-level", std::to_string(s.min_level),
               "--max-level", std::to_string(s.max_level)}) != 0) {
        return 1;
      }
    }
    const std::map<std::string, double> threads_before = ThreadCpu(daemon.pid());
    const double ctl_before = ChildrenCpu();
    const std::string proc_stat = fmt::format("/proc/{}/stat", daemon.pid());
    const double daemon_before = StatCpu(proc_stat);
    auto start = SteadyClock::now();
    int rc = Ctl(daemon, dir.path().string(), {"--timeout", "60", "roster", "import", csv});
    double secs = Seconds(start);
    const auto [hwm, rss] = ReadProcMemory(daemon.pid());
    fmt::print("import through musterctl: {} rows in {:.2f} s = {:.0f} rows/s (exit {})\n", count,
               secs, count / secs, rc);
    // Threads that ended during the import (the import's own) are counted in
    // the process total only.
    std::vector<std::pair<double, std::string>> busy;
    for (const auto& [name, cpu] : ThreadCpu(daemon.pid())) {
      auto before = threads_before.find(name);
      busy.emplace_back(cpu - (before == threads_before.end() ? 0 : before->second), name);
    }
    std::sort(busy.rbegin(), busy.rend());
    std::string top;
    for (size_t i = 0; i < busy.size() && i < 4 && busy[i].first >= 0.05; ++i) {
      top += fmt::format("{}{} {:.1f} s", top.empty() ? "" : ", ", busy[i].second, busy[i].first);
    }
    fmt::print("cpu: musterctl {:.1f} s; musterd {:.1f} s, of which live threads: {}\n",
               ChildrenCpu() - ctl_before, StatCpu(proc_stat) - daemon_before,
               top.empty() ? "-" : top);
    fmt::print("musterd memory after import: peak {:.0f} MiB, resident {:.0f} MiB\n", hwm, rss);
    if (rc != 0) return 1;
    daemon.Stop();
  }
  {
    auto start = SteadyClock::now();
    MusterdProcess daemon(MUSTERD_PATH, db, dir.path().string());
    double secs = Seconds(start);
    const auto [hwm, rss] = ReadProcMemory(daemon.pid());
    fmt::print(
        "restart (migrate check + ranking index rebuild): {:.2f} s; resident {:.0f} MiB, "
        "peak {:.0f} MiB\n",
        secs, rss, hwm);
  }
  fmt::print(
      "database file: {:.0f} MiB\n",
      static_cast<double>(std::ifstream(db, std::ios::ate | std::ios::binary).tellg()) / (1 << 20));
  return 0;
}

// The memory of a running process as the kernel reports it in
// /proc/<pid>/status, for benchmarks that watch musterd from outside.
#pragma once

#include <sys/types.h>

#include <fstream>
#include <string>

namespace muster::testing {

struct ProcMemory {
  double peak_mib = 0;      // VmHWM: the highest resident size so far
  double resident_mib = 0;  // VmRSS: the resident size now
};

// Zeros when the process (or the field) is not there.
inline ProcMemory ReadProcMemory(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  ProcMemory m;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) m.peak_mib = std::stod(line.substr(6)) / 1024;
    if (line.rfind("VmRSS:", 0) == 0) m.resident_mib = std::stod(line.substr(6)) / 1024;
  }
  return m;
}

}  // namespace muster::testing

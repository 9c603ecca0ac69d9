// Ctl: runs the real musterctl binary against a daemon, for end-to-end tests.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/process.h"

namespace muster::testing {

struct Ctl {
  std::string server;    // HOST:PORT of the daemon
  std::string work_dir;  // where command output is captured

  CommandResult operator()(std::vector<std::string> args) const {
    std::vector<std::string> argv = {MUSTERCTL_PATH, "--server", server};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, work_dir);
  }
  // Runs with --output json, requires success, and parses stdout.
  nlohmann::json Json(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--output", "json"});
    CommandResult r = (*this)(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }
  // Number of reservists on the roster.
  int64_t Count() const {
    return std::stoll(Json({"reservist", "list", "--limit", "1"})["total"].get<std::string>());
  }
};

}  // namespace muster::testing

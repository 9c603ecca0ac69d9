// musterctl's entry point: builds the command line (global flags plus every
// command group), parses it and runs the chosen command.
#pragma once

#include "command_env.h"

namespace muster::client {

// Runs musterctl with the process's streams and terminal detection. Returns
// the exit code (see exit_code.h).
int RunMusterctl(int argc, char** argv);

// The same with explicit streams and, optionally, a channel (tests).
int RunMusterctl(int argc, const char* const* argv, const RunEnvironment& env);

}  // namespace muster::client

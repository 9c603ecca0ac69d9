#include "commands.h"

namespace muster::client {

// Registered in app.cc; the commands are being written (session 2).
void RegisterDispatchCommands(CLI::App&, CommandEnv&) {}

}  // namespace muster::client

// The command groups of musterctl. Each registers its subcommands on the root
// app (see CommandGroup in command_env.h); app.cc lists them.
#pragma once

#include "command_env.h"
#include "number_flags.h"

namespace muster::client {

// roster import | export
void RegisterRosterCommands(CLI::App& root, CommandEnv& env);
// reservist add | get | list | update | suspend | reactivate | delete
void RegisterReservistCommands(CLI::App& root, CommandEnv& env);
// skill list | add
void RegisterSkillCommands(CLI::App& root, CommandEnv& env);
// activate | preview | activation list|show|cancel | explain
void RegisterActivationCommands(CLI::App& root, CommandEnv& env);
// readiness
void RegisterReadinessCommands(CLI::App& root, CommandEnv& env);
// admin backup
void RegisterAdminCommands(CLI::App& root, CommandEnv& env);
// watch | answer | stand-down
void RegisterDispatchCommands(CLI::App& root, CommandEnv& env);
// audit [list] | audit verify
void RegisterAuditCommands(CLI::App& root, CommandEnv& env);

}  // namespace muster::client

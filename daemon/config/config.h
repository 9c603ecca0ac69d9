// musterd's configuration: one documented struct, read from a TOML file
// (--config) and overridden by command-line flags. Every default is written
// beside its field; deploy/musterd.toml is the commented example of every key.
// Unknown keys and wrong types are errors naming the key, never ignored.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "ranking/ranking_config.h"

namespace muster {

struct DaemonConfig {
  // [server]
  std::string listen = "127.0.0.1:7070";  // server.listen: gRPC HOST:PORT; port 0 = any free port
  bool allow_remote_plaintext = false;    // server.allow_remote_plaintext: plaintext off loopback
  std::string port_file;  // server.port_file: write the bound gRPC port here ("" = no)
  // [database]
  std::string db_path = "./muster.db";  // database.path: SQLite file, created if absent
  // [log]
  std::string log_level = "info";  // log.level: trace|debug|info|warn|error
  // [demo]
  bool demo = false;  // demo.seed: seed the demo roster if the roster is empty
  // [ranking]: weights and wave sizing; keys are RankingConfig's field names
  // (ranking.weight_distance, ranking.over_ask, ...), defaults in
  // ranking/ranking_config.h and docs/ranking.md.
  RankingConfig ranking;
};

// Parses TOML text (source names the file in messages). Starts from the
// defaults above. Errors: InvalidArgument with field = the dotted key, e.g.
// field "server.listen", message "expected a string, got integer".
Result<DaemonConfig> ParseConfig(std::string_view toml_text, const std::string& source);
Result<DaemonConfig> LoadConfigFile(const std::string& path);

// Checks values (address syntax, log level); ParseConfig calls it, and so
// does main after flags are applied.
Status ValidateConfig(const DaemonConfig& config);

}  // namespace muster

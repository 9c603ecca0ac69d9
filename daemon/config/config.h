// musterd's configuration: one documented struct, read from a TOML file
// (--config) and overridden by command-line flags. Every default is written
// beside its field; deploy/musterd.toml is the commented example of every key.
// Unknown keys and wrong types are errors naming the key, never ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "ranking/ranking_config.h"

namespace muster {

// A notifier backend's settings as written under [notifiers.NAME]: every key
// but "type", values as TOML gave them. The backend (daemon/notify/) reads
// and checks them, naming "notifiers.NAME.KEY" in errors.
using SettingValue = std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;
struct NotifierSpec {
  std::string name;  // the table's name: [notifiers.sms_primary] -> "sms_primary"
  std::string type;  // registered backend: log, webhook, sms, email, exec
  std::map<std::string, SettingValue> settings;
};

// [[auth.tokens]]: a bearer token, stored as the SHA-256 (hex) of the token.
struct TokenConfig {
  std::string name;                // actor name in the audit log, e.g. "glos-planner-1"
  std::string sha256;              // lowercase hex SHA-256 of the token text
  std::string role;                // viewer | planner | roster-admin | admin
  std::vector<std::string> areas;  // empty = every area
  bool mutual_aid = false;         // may activate across areas
};

struct DaemonConfig {
  // [server]
  std::string listen = "127.0.0.1:7070";  // server.listen: gRPC HOST:PORT; port 0 = any free port
  bool allow_remote_plaintext = false;    // server.allow_remote_plaintext: plaintext off loopback
  std::string port_file;  // server.port_file: write the bound gRPC port here ("" = no)
  // [tls]: gRPC over TLS when cert and key are set; mutual TLS when client_ca is too.
  std::string tls_cert;       // tls.cert: PEM server certificate chain
  std::string tls_key;        // tls.key: PEM private key
  std::string tls_client_ca;  // tls.client_ca: PEM CA bundle that client certificates must chain to
  // [auth]
  std::vector<TokenConfig> tokens;  // auth.tokens; none = no token checks (loopback only)
  // [http]: answers, gateway callbacks, /metrics, /healthz, /readyz.
  std::string http_listen = "127.0.0.1:7071";  // http.listen: HOST:PORT; "" = no HTTP endpoint
  std::string public_url;      // http.public_url: base of answer links; "" = http://<http.listen>
  std::string http_port_file;  // http.port_file: write the bound HTTP port here ("" = no)
  // http.allow_remote_plaintext: serve HTTP on a non-loopback http.listen
  // (only behind a TLS-terminating proxy; see docs/operations.md)
  bool http_allow_remote_plaintext = false;
  int http_max_connections_per_client = 32;  // http.max_connections_per_client: from one IP
  int http_idle_timeout_ms = 5000;  // http.idle_timeout_ms: wait for a request's first byte
  // [console]: the planner console and the JSON API on the HTTP endpoint
  // (docs/console.md).
  bool console_enabled = true;  // console.enabled: serve the JSON API, sign-in, events, pages
  int console_session_idle_timeout_s =
      1800;  // console.session_idle_timeout_s: a session unused this long is signed out
  int console_max_event_streams = 32;  // console.max_event_streams: open event streams at once
  // console.leaflet_dir: Debian's libjs-leaflet, served under /console/leaflet/
  std::string console_leaflet_dir = "/usr/share/javascript/leaflet";
  // [dispatch]
  int per_person_hourly_cap =
      6;  // dispatch.per_person_hourly_cap: call-out messages per person per hour
  int sweep_interval_ms =
      1000;  // dispatch.sweep_interval_ms: how often deadlines and retries are checked
  // [channels]: backends per contact channel kind, tried in order.
  std::vector<std::string> sms_backends = {"log"};      // channels.sms
  std::vector<std::string> email_backends = {"log"};    // channels.email
  std::vector<std::string> webhook_backends = {"log"};  // channels.webhook
  // [notifiers.NAME]: backend instances; "log" exists without being declared.
  std::vector<NotifierSpec> notifiers;
  // [database]
  std::string db_path = "./muster.db";  // database.path: SQLite file, created if absent
  // [log]
  std::string log_level = "info";   // log.level: trace|debug|info|warn|error
  std::string log_format = "text";  // log.format: text | json (one JSON object per line)
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

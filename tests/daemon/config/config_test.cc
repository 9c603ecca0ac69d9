#include "config/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace muster;

TEST_CASE("defaults apply to an empty file", "[config]") {
  auto c = ParseConfig("", "empty.toml");
  REQUIRE(c.ok());
  CHECK(c->listen == "127.0.0.1:7070");
  CHECK(c->db_path == "./muster.db");
  CHECK_FALSE(c->demo);
}

TEST_CASE("every key is read", "[config]") {
  auto c = ParseConfig(R"(
[server]
listen = "127.0.0.1:9000"
allow_remote_plaintext = true
port_file = "/run/muster/port"
[database]
path = "/var/lib/muster/muster.db"
[log]
level = "debug"
[demo]
seed = true
)",
                       "full.toml");
  REQUIRE(c.ok());
  CHECK(c->listen == "127.0.0.1:9000");
  CHECK(c->allow_remote_plaintext);
  CHECK(c->port_file == "/run/muster/port");
  CHECK(c->db_path == "/var/lib/muster/muster.db");
  CHECK(c->log_level == "debug");
  CHECK(c->demo);
}

TEST_CASE("bad configs name the key and the problem", "[config]") {
  auto unknown = ParseConfig("[server]\nlisten_port = 7070\n", "a.toml");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().ToString() == "server.listen_port: unknown key (in a.toml)");

  auto section = ParseConfig("[servr]\nlisten = \"x:1\"\n", "a.toml");
  CHECK(section.status().field() == "servr");

  auto type = ParseConfig("[server]\nlisten = 7070\n", "a.toml");
  CHECK(type.status().ToString() == "server.listen: expected a string, got integer (in a.toml)");

  auto value = ParseConfig("[server]\nlisten = \"localhost\"\n", "a.toml");
  CHECK(value.status().field() == "server.listen");

  auto level = ParseConfig("[log]\nlevel = \"loud\"\n", "a.toml");
  CHECK(level.status().field() == "log.level");

  auto syntax = ParseConfig("[server\n", "a.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.status().message().rfind("a.toml:1:", 0) == 0);

  CHECK_FALSE(LoadConfigFile("/nonexistent/musterd.toml").ok());
}

TEST_CASE("the shipped example config is valid and equals the defaults", "[config]") {
  auto c = LoadConfigFile(std::string(MUSTER_SOURCE_DIR) + "/deploy/musterd.toml");
  REQUIRE(c.ok());
  DaemonConfig d;
  CHECK(c->listen == d.listen);
  CHECK(c->db_path == d.db_path);
  CHECK(c->port_file == d.port_file);
  CHECK(c->log_level == d.log_level);
  CHECK(c->demo == d.demo);
  CHECK(c->allow_remote_plaintext == d.allow_remote_plaintext);
  CHECK(c->ranking.weight_distance == d.ranking.weight_distance);
  CHECK(c->ranking.weight_level == d.ranking.weight_level);
  CHECK(c->ranking.weight_fairness == d.ranking.weight_fairness);
  CHECK(c->ranking.weight_reliability == d.ranking.weight_reliability);
  CHECK(c->ranking.fairness_full_rest_days == d.ranking.fairness_full_rest_days);
  CHECK(c->ranking.fairness_rest_share == d.ranking.fairness_rest_share);
  CHECK(c->ranking.prior_strength == d.ranking.prior_strength);
  CHECK(c->ranking.default_accept_rate == d.ranking.default_accept_rate);
  CHECK(c->ranking.over_ask == d.ranking.over_ask);
  CHECK(c->ranking.safety_margin == d.ranking.safety_margin);
  CHECK(c->ranking.max_ask_factor == d.ranking.max_ask_factor);
  CHECK(c->ranking.min_roster_asked == d.ranking.min_roster_asked);
  CHECK(c->tls_cert == d.tls_cert);
  CHECK(c->tls_key == d.tls_key);
  CHECK(c->tls_client_ca == d.tls_client_ca);
  CHECK(c->tokens.empty());
  CHECK(c->http_listen == d.http_listen);
  CHECK(c->public_url == d.public_url);
  CHECK(c->http_port_file == d.http_port_file);
  CHECK(c->per_person_hourly_cap == d.per_person_hourly_cap);
  CHECK(c->sweep_interval_ms == d.sweep_interval_ms);
  CHECK(c->sms_backends == d.sms_backends);
  CHECK(c->email_backends == d.email_backends);
  CHECK(c->webhook_backends == d.webhook_backends);
  CHECK(c->notifiers.empty());
  CHECK(c->log_format == d.log_format);
  CHECK(c->http_allow_remote_plaintext == d.http_allow_remote_plaintext);
  CHECK(c->http_max_connections_per_client == d.http_max_connections_per_client);
  CHECK(c->http_idle_timeout_ms == d.http_idle_timeout_ms);
}

namespace {

std::string Quoted(const std::string& text) {
  return text.empty() ? "\"\"" : text;
}

std::string Bool(bool b) {
  return b ? "true" : "false";
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "]";
}

}  // namespace

TEST_CASE("the defaults table in docs/operations.md says what DaemonConfig defaults to",
          "[config]") {
  const DaemonConfig d;
  // Each scalar key as the table writes its default (`""` for an empty string).
  const std::map<std::string, std::string> expected = {
      {"server.listen", d.listen},
      {"server.allow_remote_plaintext", Bool(d.allow_remote_plaintext)},
      {"server.port_file", Quoted(d.port_file)},
      {"database.path", d.db_path},
      {"log.level", d.log_level},
      {"log.format", d.log_format},
      {"demo.seed", Bool(d.demo)},
      {"http.listen", d.http_listen},
      {"http.public_url", Quoted(d.public_url)},
      {"http.port_file", Quoted(d.http_port_file)},
      {"http.allow_remote_plaintext", Bool(d.http_allow_remote_plaintext)},
      {"http.max_connections_per_client", std::to_string(d.http_max_connections_per_client)},
      {"http.idle_timeout_ms", std::to_string(d.http_idle_timeout_ms)},
      {"dispatch.per_person_hourly_cap", std::to_string(d.per_person_hourly_cap)},
      {"dispatch.sweep_interval_ms", std::to_string(d.sweep_interval_ms)},
  };
  std::ifstream in(std::string(MUSTER_SOURCE_DIR) + "/docs/operations.md");
  REQUIRE(in);
  // Rows of the table: | `key` | `default` | meaning |
  const std::regex row(R"(^\| `([a-z_.]+)` \| `([^`]*)` \|)");
  std::map<std::string, std::string> documented;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) documented[m[1]] = m[2];
  }
  for (const auto& [key, value] : expected) {
    INFO(key);
    REQUIRE(documented.count(key) == 1);
    CHECK(documented[key] == value);
  }
  // The composite rows, checked by hand against the same defaults.
  CHECK(d.tls_cert.empty());
  CHECK(d.tls_key.empty());
  CHECK(d.tls_client_ca.empty());
  CHECK(d.tokens.empty());
  CHECK(d.notifiers.empty());
  std::ifstream again(std::string(MUSTER_SOURCE_DIR) + "/docs/operations.md");
  std::stringstream text;
  text << again.rdbuf();
  CHECK_THAT(text.str(), Catch::Contains("| `channels.sms`, `.email`, `.webhook` | `" +
                                         List(d.sms_backends) + "` |"));
  CHECK(d.email_backends == d.sms_backends);
  CHECK(d.webhook_backends == d.sms_backends);
}

TEST_CASE("ranking keys are type- and range-checked", "[config]") {
  auto c = ParseConfig("[ranking]\nover_ask = 2\nmax_ask_factor = 4.0\n", "r.toml");
  REQUIRE(c.ok());
  CHECK(c->ranking.over_ask == 2.0);
  auto low = ParseConfig("[ranking]\nover_ask = 0.5\n", "r.toml");
  CHECK(low.status().field() == "ranking.over_ask");
  auto type = ParseConfig("[ranking]\nmin_roster_asked = 2.5\n", "r.toml");
  CHECK(type.status().ToString() ==
        "ranking.min_roster_asked: expected an integer, got float (in r.toml)");
}

TEST_CASE("tls, auth, http, dispatch, channels and notifiers are read", "[config]") {
  auto c = ParseConfig(R"(
[tls]
cert = "/etc/muster/server.pem"
key = "/etc/muster/server.key"
client_ca = "/etc/muster/clients-ca.pem"

[[auth.tokens]]
name = "glos-planner"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
role = "planner"
areas = ["gloucestershire"]

[[auth.tokens]]
name = "ops"
sha256 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
role = "admin"
mutual_aid = true

[http]
listen = "127.0.0.1:8081"
public_url = "https://muster.example.org"

[dispatch]
per_person_hourly_cap = 4
sweep_interval_ms = 250

[channels]
sms = ["sms_a", "sms_b"]
webhook = ["hook"]

[notifiers.sms_a]
type = "sms"
url = "http://127.0.0.1:9/send"
concurrency = 8
rate_per_second = 2.5
retry = true
headers = ["X-A: 1"]

[notifiers.sms_b]
type = "sms"

[notifiers.hook]
type = "webhook"
)",
                       "t.toml");
  REQUIRE(c.ok());
  CHECK(c->tls_client_ca == "/etc/muster/clients-ca.pem");
  REQUIRE(c->tokens.size() == 2);
  CHECK(c->tokens[0].name == "glos-planner");
  CHECK(c->tokens[0].areas == std::vector<std::string>{"gloucestershire"});
  CHECK_FALSE(c->tokens[0].mutual_aid);
  CHECK(c->tokens[1].mutual_aid);
  CHECK(c->http_listen == "127.0.0.1:8081");
  CHECK(c->public_url == "https://muster.example.org");
  CHECK(c->per_person_hourly_cap == 4);
  CHECK(c->sweep_interval_ms == 250);
  CHECK(c->sms_backends == std::vector<std::string>{"sms_a", "sms_b"});
  CHECK(c->email_backends == std::vector<std::string>{"log"});
  REQUIRE(c->notifiers.size() == 3);
  const NotifierSpec* a = nullptr;
  for (const auto& n : c->notifiers) {
    if (n.name == "sms_a") a = &n;
  }
  REQUIRE(a != nullptr);
  CHECK(a->type == "sms");
  CHECK(std::get<std::string>(a->settings.at("url")) == "http://127.0.0.1:9/send");
  CHECK(std::get<int64_t>(a->settings.at("concurrency")) == 8);
  CHECK(std::get<double>(a->settings.at("rate_per_second")) == 2.5);
  CHECK(std::get<bool>(a->settings.at("retry")));
  CHECK(std::get<std::vector<std::string>>(a->settings.at("headers")).size() == 1);
  CHECK(a->settings.count("type") == 0);
}

TEST_CASE("bad trust and dispatch settings name their key", "[config]") {
  auto field = [](const char* text) {
    auto c = ParseConfig(text, "t.toml");
    return c.ok() ? std::string("ok") : c.status().field();
  };
  CHECK(field("[tls]\ncert = \"a.pem\"") == "tls.key");
  CHECK(field("[tls]\nclient_ca = \"ca.pem\"") == "tls.client_ca");
  CHECK(field("[[auth.tokens]]\nname = \"x\"\nsha256 = \"abc\"\nrole = \"admin\"") ==
        "auth.tokens[0].sha256");
  CHECK(field("[[auth.tokens]]\nname = \"x\"\nrole = \"boss\"\nsha256 = "
              "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"") ==
        "auth.tokens[0].role");
  CHECK(field("[[auth.tokens]]\nname = \"x\"\ncolour = \"red\"") == "auth.tokens[0].colour");
  CHECK(field("[http]\nlisten = \"nowhere\"") == "http.listen");
  CHECK(field("[dispatch]\nper_person_hourly_cap = 0") == "dispatch.per_person_hourly_cap");
  CHECK(field("[channels]\nsms = [\"gateway\"]") == "channels.sms");
  CHECK(field("[channels]\nsms = []") == "channels.sms");
  CHECK(field("[notifiers.x]\nurl = \"http://a\"") == "notifiers.x.type");
  CHECK(field("[notifiers.x]\ntype = \"sms\"\nwhen = 2026-01-01") == "notifiers.x.when");
  CHECK(field("[log]\nformat = \"xml\"") == "log.format");
}

TEST_CASE("http.public_url must be an absolute http(s) URL that links can be appended to",
          "[config]") {
  for (const char* bad : {"not a url", "muster.example.org", "ftp://muster.example.org", "https://",
                          "https://muster.example.org/?x=1", "https://muster.example.org/#top",
                          "https://user@muster.example.org", "https://muster.example.org:99999",
                          "https://muster.example.org:", "http://[::1", "https://a b.org"}) {
    INFO(bad);
    auto c = ParseConfig(std::string("[http]\npublic_url = \"") + bad + "\"\n", "a.toml");
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().field() == "http.public_url");
  }
  for (const char* good : {"https://muster.example.org", "http://127.0.0.1:7071",
                           "https://example.org/muster/", "http://[::1]:7071"}) {
    INFO(good);
    auto c = ParseConfig(std::string("[http]\npublic_url = \"") + good + "\"\n", "a.toml");
    CHECK(c.ok());
  }
}

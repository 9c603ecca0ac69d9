#include "config/config.h"

#include <catch2/catch.hpp>

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

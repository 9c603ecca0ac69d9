#include "config/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace muster {
namespace {

// One setter per known key: reads the node into the config or explains why
// it cannot.
using Setter = std::function<Status(const toml::node&, DaemonConfig&)>;

const char* TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    default:
      return "date/time";
  }
}

Setter String(std::string DaemonConfig::*field) {
  return [field](const toml::node& n, DaemonConfig& c) -> Status {
    auto v = n.value<std::string>();
    if (!n.is_string() || !v) {
      return Status::InvalidArgument("", fmt::format("expected a string, got {}", TypeName(n)));
    }
    c.*field = *v;
    return {};
  };
}

Setter Bool(bool DaemonConfig::*field) {
  return [field](const toml::node& n, DaemonConfig& c) -> Status {
    if (!n.is_boolean()) {
      return Status::InvalidArgument("",
                                     fmt::format("expected true or false, got {}", TypeName(n)));
    }
    c.*field = *n.value<bool>();
    return {};
  };
}

template <typename T>
Setter Number(T RankingConfig::*field) {
  return [field](const toml::node& n, DaemonConfig& c) -> Status {
    if constexpr (std::is_integral_v<T>) {
      if (!n.is_integer()) {
        return Status::InvalidArgument("", fmt::format("expected an integer, got {}", TypeName(n)));
      }
      c.ranking.*field = static_cast<T>(*n.value<int64_t>());
    } else {
      if (!n.is_number()) {
        return Status::InvalidArgument("", fmt::format("expected a number, got {}", TypeName(n)));
      }
      c.ranking.*field = *n.value<double>();
    }
    return {};
  };
}

const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> kSetters = {
      {"server.listen", String(&DaemonConfig::listen)},
      {"server.allow_remote_plaintext", Bool(&DaemonConfig::allow_remote_plaintext)},
      {"server.port_file", String(&DaemonConfig::port_file)},
      {"database.path", String(&DaemonConfig::db_path)},
      {"log.level", String(&DaemonConfig::log_level)},
      {"demo.seed", Bool(&DaemonConfig::demo)},
      {"ranking.weight_distance", Number(&RankingConfig::weight_distance)},
      {"ranking.weight_level", Number(&RankingConfig::weight_level)},
      {"ranking.weight_fairness", Number(&RankingConfig::weight_fairness)},
      {"ranking.weight_reliability", Number(&RankingConfig::weight_reliability)},
      {"ranking.fairness_full_rest_days", Number(&RankingConfig::fairness_full_rest_days)},
      {"ranking.fairness_rest_share", Number(&RankingConfig::fairness_rest_share)},
      {"ranking.prior_strength", Number(&RankingConfig::prior_strength)},
      {"ranking.default_accept_rate", Number(&RankingConfig::default_accept_rate)},
      {"ranking.over_ask", Number(&RankingConfig::over_ask)},
      {"ranking.safety_margin", Number(&RankingConfig::safety_margin)},
      {"ranking.max_ask_factor", Number(&RankingConfig::max_ask_factor)},
      {"ranking.min_roster_asked", Number(&RankingConfig::min_roster_asked)},
  };
  return kSetters;
}

// Walks the table, applying known keys and rejecting unknown ones.
Status Apply(const toml::table& table, const std::string& prefix, DaemonConfig& config) {
  for (const auto& [key, node] : table) {
    std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    auto it = Setters().find(name);
    if (it != Setters().end()) {
      Status st = it->second(node, config);
      if (!st.ok()) return Status::InvalidArgument(name, st.message());
      continue;
    }
    if (const toml::table* sub = node.as_table(); sub && prefix.empty()) {
      bool known_section = false;
      for (const auto& [k, _] : Setters()) known_section |= k.rfind(name + ".", 0) == 0;
      if (known_section) {
        MUSTER_RETURN_IF_ERROR(Apply(*sub, name, config));
        continue;
      }
    }
    return Status::InvalidArgument(name, "unknown key");
  }
  return {};
}

bool ValidHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  int port = -1;
  const char* begin = address.data() + colon + 1;
  auto r = std::from_chars(begin, address.data() + address.size(), port);
  return r.ec == std::errc() && r.ptr == address.data() + address.size() && port >= 0 &&
         port <= 65535;
}

}  // namespace

Status ValidateConfig(const DaemonConfig& c) {
  if (!ValidHostPort(c.listen)) {
    return Status::InvalidArgument(
        "server.listen", fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:7070)", c.listen));
  }
  if (c.db_path.empty()) return Status::InvalidArgument("database.path", "is empty");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok |= c.log_level == l;
  if (!level_ok) {
    return Status::InvalidArgument(
        "log.level",
        fmt::format("'{}' is not one of trace, debug, info, warn, error", c.log_level));
  }
  Status ranking = c.ranking.Validate();
  return ranking.ok() ? ranking : ranking.WithFieldPrefix("ranking");
}

Result<DaemonConfig> ParseConfig(std::string_view text, const std::string& source) {
  DaemonConfig config;
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::InvalidArgument(
        "", fmt::format("{}:{}:{}: {}", source, where.line, where.column, e.description()));
  }
  Status st = Apply(table, "", config);
  if (st.ok()) st = ValidateConfig(config);
  if (!st.ok())
    return Status::InvalidArgument(st.field(), fmt::format("{} (in {})", st.message(), source));
  return config;
}

Result<DaemonConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("config", fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path);
}

}  // namespace muster

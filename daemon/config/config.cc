#include "config/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "roster/validate.h"

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

Setter Int(int DaemonConfig::*field, int64_t min, int64_t max) {
  return [=](const toml::node& n, DaemonConfig& c) -> Status {
    if (!n.is_integer()) {
      return Status::InvalidArgument("", fmt::format("expected an integer, got {}", TypeName(n)));
    }
    int64_t v = *n.value<int64_t>();
    if (v < min || v > max) {
      return Status::InvalidArgument("", fmt::format("{} is out of range [{}, {}]", v, min, max));
    }
    c.*field = static_cast<int>(v);
    return {};
  };
}

Result<std::vector<std::string>> StringArray(const toml::node& n) {
  const toml::array* a = n.as_array();
  if (!a)
    return Status::InvalidArgument(
        "", fmt::format("expected an array of strings, got {}", TypeName(n)));
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::node& item = *a->get(i);
    if (!item.is_string()) {
      return Status::InvalidArgument(
          "", fmt::format("item {} is {}, expected a string", i, TypeName(item)));
    }
    out.push_back(*item.value<std::string>());
  }
  return out;
}

Setter Strings(std::vector<std::string> DaemonConfig::*field) {
  return [field](const toml::node& n, DaemonConfig& c) -> Status {
    auto v = StringArray(n);
    if (!v.ok()) return v.status();
    c.*field = std::move(v).value();
    return {};
  };
}

// [[auth.tokens]]: an array of tables with name, sha256, role, areas, mutual_aid.
Status ParseTokens(const toml::node& n, DaemonConfig& c) {
  const toml::array* a = n.as_array();
  if (!a || !a->is_array_of_tables()) {
    return Status::InvalidArgument("", "expected [[auth.tokens]] tables");
  }
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::table& t = *a->get(i)->as_table();
    TokenConfig token;
    for (const auto& [k, v] : t) {
      std::string key(k.str());
      auto fail = [&](const std::string& msg) {
        return Status::InvalidArgument(fmt::format("[{}].{}", i, key), msg);
      };
      if (key == "name" || key == "sha256" || key == "role") {
        if (!v.is_string()) return fail(fmt::format("expected a string, got {}", TypeName(v)));
        std::string text = *v.value<std::string>();
        (key == "name" ? token.name : key == "sha256" ? token.sha256 : token.role) = text;
      } else if (key == "areas") {
        auto areas = StringArray(v);
        if (!areas.ok()) return fail(areas.status().message());
        token.areas = std::move(areas).value();
      } else if (key == "mutual_aid") {
        if (!v.is_boolean())
          return fail(fmt::format("expected true or false, got {}", TypeName(v)));
        token.mutual_aid = *v.value<bool>();
      } else {
        return fail("unknown key");
      }
    }
    c.tokens.push_back(std::move(token));
  }
  return {};
}

// [notifiers.NAME] tables: "type" plus backend-specific keys.
Status ParseNotifiers(const toml::node& n, DaemonConfig& c) {
  const toml::table* all = n.as_table();
  if (!all)
    return Status::InvalidArgument("", fmt::format("expected a table, got {}", TypeName(n)));
  for (const auto& [name_key, node] : *all) {
    std::string name(name_key.str());
    const toml::table* t = node.as_table();
    if (!t) {
      return Status::InvalidArgument(name, fmt::format("expected a table, got {}", TypeName(node)));
    }
    NotifierSpec spec;
    spec.name = name;
    for (const auto& [k, v] : *t) {
      std::string key(k.str());
      auto fail = [&](const std::string& msg) {
        return Status::InvalidArgument(name + "." + key, msg);
      };
      if (key == "type") {
        if (!v.is_string()) return fail(fmt::format("expected a string, got {}", TypeName(v)));
        spec.type = *v.value<std::string>();
      } else if (v.is_string()) {
        spec.settings[key] = *v.value<std::string>();
      } else if (v.is_integer()) {
        spec.settings[key] = *v.value<int64_t>();
      } else if (v.is_floating_point()) {
        spec.settings[key] = *v.value<double>();
      } else if (v.is_boolean()) {
        spec.settings[key] = *v.value<bool>();
      } else if (v.is_array()) {
        auto items = StringArray(v);
        if (!items.ok()) return fail(items.status().message());
        spec.settings[key] = std::move(items).value();
      } else {
        return fail(fmt::format("{} values are not supported here", TypeName(v)));
      }
    }
    if (spec.type.empty()) return Status::InvalidArgument(name + ".type", "is required");
    c.notifiers.push_back(std::move(spec));
  }
  return {};
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
      {"tls.cert", String(&DaemonConfig::tls_cert)},
      {"tls.key", String(&DaemonConfig::tls_key)},
      {"tls.client_ca", String(&DaemonConfig::tls_client_ca)},
      {"auth.tokens", ParseTokens},
      {"http.listen", String(&DaemonConfig::http_listen)},
      {"http.public_url", String(&DaemonConfig::public_url)},
      {"http.port_file", String(&DaemonConfig::http_port_file)},
      {"http.allow_remote_plaintext", Bool(&DaemonConfig::http_allow_remote_plaintext)},
      {"http.max_connections_per_client",
       Int(&DaemonConfig::http_max_connections_per_client, 1, 100000)},
      {"http.idle_timeout_ms", Int(&DaemonConfig::http_idle_timeout_ms, 100, 600000)},
      {"console.enabled", Bool(&DaemonConfig::console_enabled)},
      {"console.session_idle_timeout_s",
       Int(&DaemonConfig::console_session_idle_timeout_s, 1, 7 * 24 * 3600)},
      {"console.max_event_streams", Int(&DaemonConfig::console_max_event_streams, 1, 10000)},
      {"console.leaflet_dir", String(&DaemonConfig::console_leaflet_dir)},
      {"dispatch.per_person_hourly_cap", Int(&DaemonConfig::per_person_hourly_cap, 1, 1000)},
      {"dispatch.sweep_interval_ms", Int(&DaemonConfig::sweep_interval_ms, 10, 60000)},
      {"channels.sms", Strings(&DaemonConfig::sms_backends)},
      {"channels.email", Strings(&DaemonConfig::email_backends)},
      {"channels.webhook", Strings(&DaemonConfig::webhook_backends)},
      {"notifiers", ParseNotifiers},
      {"database.path", String(&DaemonConfig::db_path)},
      {"log.level", String(&DaemonConfig::log_level)},
      {"log.format", String(&DaemonConfig::log_format)},
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
      if (!st.ok()) {
        std::string field = st.field().empty()            ? name
                            : st.field().starts_with("[") ? name + st.field()
                                                          : name + "." + st.field();
        return Status::InvalidArgument(field, st.message());
      }
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

// Why `url` cannot be the base of answer links, or "" if it can: an
// absolute http(s) URL with a host, optionally a port and a path, and
// nothing a link could not be appended to (query, fragment, user info,
// spaces or control characters).
std::string PublicUrlProblem(const std::string& url) {
  size_t scheme = url.rfind("http://", 0) == 0 ? 7 : url.rfind("https://", 0) == 0 ? 8 : 0;
  if (scheme == 0) return "must start with http:// or https://";
  for (char ch : url) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) {
      return "must not contain spaces or control characters";
    }
  }
  if (url.find_first_of("?#") != std::string::npos) {
    return "must not have a query or fragment (links are appended to it)";
  }
  std::string authority = url.substr(scheme, url.find('/', scheme) - scheme);
  if (authority.find('@') != std::string::npos) return "must not contain user info (user@)";
  std::string host = authority;
  std::string port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos || close == 1) return "has a malformed [IPv6] host";
    port = host.substr(close + 1);
    if (!port.empty() && port[0] != ':') return "has a malformed [IPv6] host";
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon);
    host.resize(colon);
  }
  if (host.empty()) return "has no host";
  if (!port.empty()) {
    int n = -1;
    auto r = std::from_chars(port.data() + 1, port.data() + port.size(), n);
    if (port.size() < 2 || r.ec != std::errc() || r.ptr != port.data() + port.size() || n < 1 ||
        n > 65535) {
      return "has a bad port";
    }
  }
  return "";
}

}  // namespace

Status ValidateConfig(const DaemonConfig& c) {
  if (!ValidHostPort(c.listen)) {
    return Status::InvalidArgument(
        "server.listen", fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:7070)", c.listen));
  }
  if (!c.http_listen.empty() && !ValidHostPort(c.http_listen)) {
    return Status::InvalidArgument(
        "http.listen", fmt::format("'{}' is not HOST:PORT (e.g. 127.0.0.1:7071)", c.http_listen));
  }
  if (!c.public_url.empty()) {
    if (std::string problem = PublicUrlProblem(c.public_url); !problem.empty()) {
      return Status::InvalidArgument(
          "http.public_url",
          fmt::format("'{}' is not an absolute http(s) URL: {}", c.public_url, problem));
    }
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return Status::InvalidArgument(c.tls_cert.empty() ? "tls.cert" : "tls.key",
                                   "tls.cert and tls.key must be set together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    return Status::InvalidArgument("tls.client_ca", "needs tls.cert and tls.key");
  }
  if (c.log_format != "text" && c.log_format != "json") {
    return Status::InvalidArgument("log.format",
                                   fmt::format("'{}' is not one of text, json", c.log_format));
  }
  for (size_t i = 0; i < c.tokens.size(); ++i) {
    const TokenConfig& t = c.tokens[i];
    std::string at = fmt::format("auth.tokens[{}]", i);
    if (t.name.empty()) return Status::InvalidArgument(at + ".name", "is required");
    bool hex = t.sha256.size() == 64;
    for (char ch : t.sha256) hex &= (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
    if (!hex) {
      return Status::InvalidArgument(at + ".sha256",
                                     "must be 64 lowercase hex digits (sha256sum of the token)");
    }
    if (t.role != "viewer" && t.role != "planner" && t.role != "roster-admin" &&
        t.role != "admin") {
      return Status::InvalidArgument(
          at + ".role",
          fmt::format("'{}' is not one of viewer, planner, roster-admin, admin", t.role));
    }
    if (t.role == "admin" && !t.areas.empty()) {
      // Backups and the audit log cover every area: an admin is national.
      return Status::InvalidArgument(
          at + ".areas",
          "a token with role admin is national (a backup and the audit log "
          "cover every area): leave areas out, or use role roster-admin");
    }
    for (size_t k = 0; k < t.areas.size(); ++k) {
      if (!IsValidCode(t.areas[k])) {
        return Status::InvalidArgument(
            fmt::format("{}.areas[{}]", at, k),
            fmt::format("'{}' is not an area code (2..40 lower-case letters, digits or '_')",
                        t.areas[k]));
      }
    }
  }
  auto check_backends = [&](const char* key, const std::vector<std::string>& names) -> Status {
    if (names.empty()) return Status::InvalidArgument(key, "needs at least one backend");
    for (const auto& n : names) {
      bool known = n == "log";
      for (const auto& spec : c.notifiers) known |= spec.name == n;
      if (!known) {
        return Status::InvalidArgument(
            key, fmt::format("'{}' is neither 'log' nor a [notifiers.{}] table", n, n));
      }
    }
    return {};
  };
  MUSTER_RETURN_IF_ERROR(check_backends("channels.sms", c.sms_backends));
  MUSTER_RETURN_IF_ERROR(check_backends("channels.email", c.email_backends));
  MUSTER_RETURN_IF_ERROR(check_backends("channels.webhook", c.webhook_backends));
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

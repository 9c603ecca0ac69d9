// ParseAlertRules: [[alerts.rules]] tables -> AlertRule.
#include <fmt/format.h>

#include <set>

#include "alerts/alert_rules.h"
#include "ranking/rank_request.h"

namespace muster {

namespace {

const char* TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

Status Fail(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field, message);
}

Result<std::string> String(const toml::node& v, const std::string& field) {
  if (!v.is_string()) return Fail(field, fmt::format("expected a string, got {}", TypeName(v)));
  return *v.value<std::string>();
}

Result<std::vector<std::string>> Strings(const toml::node& v, const std::string& field) {
  const toml::array* a = v.as_array();
  if (!a) return Fail(field, fmt::format("expected an array of strings, got {}", TypeName(v)));
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    auto s = String(*a->get(i), fmt::format("{}[{}]", field, i));
    if (!s.ok()) return s.status();
    if (s->empty()) return Fail(fmt::format("{}[{}]", field, i), "must not be empty");
    out.push_back(std::move(*s));
  }
  return out;
}

Result<int64_t> Integer(const toml::node& v, const std::string& field, int64_t lo, int64_t hi) {
  if (!v.is_integer()) return Fail(field, fmt::format("expected an integer, got {}", TypeName(v)));
  const int64_t n = *v.value<int64_t>();
  if (n < lo || n > hi) return Fail(field, fmt::format("{} is outside [{}, {}]", n, lo, hi));
  return n;
}

// A CAP enum by its CAP spelling ("Severe"), with the allowed names listed.
template <typename E>
Result<E> Enum(const toml::node& v, const std::string& field,
               std::optional<E> (*parse)(const std::string&), std::string_view allowed) {
  auto s = String(v, field);
  if (!s.ok()) return s.status();
  auto e = parse(*s);
  if (!e) return Fail(field, fmt::format("'{}' is not one of {}", *s, allowed));
  return *e;
}

Result<std::vector<Requirement>> Requirements(const toml::node& v, const std::string& field) {
  const toml::array* a = v.as_array();
  if (!a || a->empty() || !a->is_array_of_tables()) {
    return Fail(field, "expected an array of tables { skill, min_level, count }");
  }
  if (a->size() > kMaxRequirements) {
    return Fail(field, fmt::format("{} requirements; at most {}", a->size(), kMaxRequirements));
  }
  std::vector<Requirement> out;
  std::set<std::string> skills;
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string f = fmt::format("{}[{}]", field, i);
    Requirement r;
    for (const auto& [k, node] : *a->get(i)->as_table()) {
      const std::string key(k.str());
      const std::string kf = f + "." + key;
      if (key == "skill") {
        auto s = String(node, kf);
        if (!s.ok()) return s.status();
        r.skill = std::move(*s);
      } else if (key == "min_level" || key == "count") {
        auto n =
            key == "count" ? Integer(node, kf, 1, kMaxRequirementCount) : Integer(node, kf, 0, 100);
        if (!n.ok()) return n.status();
        (key == "count" ? r.count : r.min_level) = static_cast<int>(*n);
      } else {
        return Fail(kf, "unknown key");
      }
    }
    if (r.skill.empty()) return Fail(f + ".skill", "is required");
    if (!skills.insert(r.skill).second) return Fail(f + ".skill", "is named twice");
    out.push_back(std::move(r));
  }
  return out;
}

Status ApplyKey(const std::string& key, const toml::node& v, const std::string& f, AlertRule& r) {
  auto set = [](auto result, auto& out) -> Status {
    if (!result.ok()) return result.status();
    out = std::move(*result);
    return Status::Ok();
  };
  auto set_int = [&](int64_t lo, int64_t hi, auto& out) -> Status {
    auto n = Integer(v, f, lo, hi);
    if (!n.ok()) return n.status();
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return Status::Ok();
  };
  if (key == "name") return set(String(v, f), r.name);
  if (key == "senders") return set(Strings(v, f), r.senders);
  if (key == "event") return set(String(v, f), r.event);
  if (key == "categories") return set(Strings(v, f), r.categories);
  if (key == "target_area_codes") return set(Strings(v, f), r.target_area_codes);
  if (key == "statuses") {
    auto names = Strings(v, f);
    if (!names.ok()) return names.status();
    r.statuses.clear();
    for (size_t i = 0; i < names->size(); ++i) {
      auto s = ParseCapStatus((*names)[i]);
      if (!s) {
        return Fail(
            fmt::format("{}[{}]", f, i),
            fmt::format("'{}' is not one of Actual, Exercise, System, Test, Draft", (*names)[i]));
      }
      r.statuses.push_back(*s);
    }
    return Status::Ok();
  }
  if (key == "min_urgency") {
    return set(
        Enum<CapUrgency>(v, f, ParseCapUrgency, "Immediate, Expected, Future, Past, Unknown"),
        r.min_urgency);
  }
  if (key == "min_severity" || key == "auto_min_severity") {
    auto e = Enum<CapSeverity>(v, f, ParseCapSeverity, "Extreme, Severe, Moderate, Minor, Unknown");
    if (!e.ok()) return e.status();
    if (key == "min_severity") {
      r.min_severity = *e;
    } else {
      r.auto_min_severity = *e;
    }
    return Status::Ok();
  }
  if (key == "min_certainty") {
    return set(Enum<CapCertainty>(v, f, ParseCapCertainty,
                                  "Observed, Likely, Possible, Unlikely, Unknown"),
               r.min_certainty);
  }
  if (key == "requirements") return set(Requirements(v, f), r.requirements);
  if (key == "buffer_km") {
    if (!v.is_number()) return Fail(f, fmt::format("expected a number, got {}", TypeName(v)));
    const double km = *v.value<double>();
    if (!(km >= 0 && km <= 100)) return Fail(f, fmt::format("{} is outside [0, 100]", km));
    r.buffer_km = km;
    return Status::Ok();
  }
  if (key == "duration_minutes") return set_int(0, 43200, r.duration_minutes);
  if (key == "default_duration_minutes") return set_int(1, 43200, r.default_duration_minutes);
  if (key == "answer_within_minutes") return set_int(1, 1440, r.answer_within_minutes);
  if (key == "message_max_bytes") return set_int(1, 1000, r.message_max_bytes);
  if (key == "priority") {
    auto s = String(v, f);
    if (!s.ok()) return s.status();
    if (*s == "routine") {
      r.priority = Priority::kRoutine;
    } else if (*s == "urgent") {
      r.priority = Priority::kUrgent;
    } else if (*s == "emergency") {
      r.priority = Priority::kEmergency;
    } else {
      return Fail(f, fmt::format("'{}' is not one of routine, urgent, emergency", *s));
    }
    return Status::Ok();
  }
  return Fail(f, "unknown key");
}

}  // namespace

Result<std::vector<AlertRule>> ParseAlertRules(const toml::node& rules) {
  const toml::array* a = rules.as_array();
  if (!a || !a->is_array_of_tables()) return Fail("", "expected [[alerts.rules]] tables");
  std::vector<AlertRule> out;
  std::set<std::string> names;
  for (size_t i = 0; i < a->size(); ++i) {
    AlertRule r;
    for (const auto& [k, v] : *a->get(i)->as_table()) {
      const std::string key(k.str());
      MUSTER_RETURN_IF_ERROR(ApplyKey(key, v, fmt::format("[{}].{}", i, key), r));
    }
    if (r.name.empty()) return Fail(fmt::format("[{}].name", i), "is required");
    if (!names.insert(r.name).second) {
      return Fail(fmt::format("[{}].name", i), fmt::format("'{}' names two rules", r.name));
    }
    if (r.requirements.empty()) return Fail(fmt::format("[{}].requirements", i), "is required");
    if (r.statuses.empty()) return Fail(fmt::format("[{}].statuses", i), "must not be empty");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace muster

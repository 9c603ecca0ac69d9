#include "notify/settings.h"

#include <algorithm>

namespace muster::notify {

const char* SettingTypeName(const SettingValue& value) {
  switch (value.index()) {
    case 0:
      return "a string";
    case 1:
      return "an integer";
    case 2:
      return "a float";
    case 3:
      return "a boolean";
    default:
      return "an array";
  }
}

std::string SettingsReader::Field(const std::string& key) const {
  return "notifiers." + spec_.name + "." + key;
}

void SettingsReader::Fail(const std::string& key, const std::string& message) {
  if (status_.ok()) status_ = Status::InvalidArgument(Field(key), message);
}

const SettingValue* SettingsReader::Find(const std::string& key) {
  read_.insert(key);
  auto it = spec_.settings.find(key);
  return it == spec_.settings.end() ? nullptr : &it->second;
}

std::string SettingsReader::String(const std::string& key, const std::string& def) {
  const SettingValue* v = Find(key);
  if (!v) return def;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  Fail(key, std::string("expected a string, got ") + SettingTypeName(*v));
  return def;
}

std::string SettingsReader::RequiredString(const std::string& key) {
  if (!Has(key)) {
    read_.insert(key);
    Fail(key, "is required");
    return "";
  }
  std::string s = String(key);
  if (s.empty() && status_.ok()) Fail(key, "must not be empty");
  return s;
}

int64_t SettingsReader::Int(const std::string& key, int64_t def, int64_t min, int64_t max) {
  const SettingValue* v = Find(key);
  if (!v) return def;
  const auto* i = std::get_if<int64_t>(v);
  if (!i) {
    Fail(key, std::string("expected an integer, got ") + SettingTypeName(*v));
    return def;
  }
  if (*i < min || *i > max) {
    Fail(key, "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                  "], got " + std::to_string(*i));
    return def;
  }
  return *i;
}

bool SettingsReader::Bool(const std::string& key, bool def) {
  const SettingValue* v = Find(key);
  if (!v) return def;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  Fail(key, std::string("expected a boolean, got ") + SettingTypeName(*v));
  return def;
}

std::vector<std::string> SettingsReader::StringList(const std::string& key) {
  const SettingValue* v = Find(key);
  if (!v) return {};
  if (const auto* l = std::get_if<std::vector<std::string>>(v)) return *l;
  Fail(key, std::string("expected an array of strings, got ") + SettingTypeName(*v));
  return {};
}

std::string SettingsReader::Choice(const std::string& key, const std::string& def,
                                   const std::vector<std::string>& allowed) {
  std::string v = String(key, def);
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : " | ") + a;
  Fail(key, "expected one of " + list + ", got \"" + v + "\"");
  return def;
}

Status SettingsReader::Finish() {
  if (!status_.ok()) return status_;
  const auto& limits = BackendLimitKeys();
  for (const auto& [key, value] : spec_.settings) {
    if (read_.count(key)) continue;
    if (std::find(limits.begin(), limits.end(), key) != limits.end()) continue;
    return Status::InvalidArgument(Field(key), "unknown key for a " + spec_.type + " notifier");
  }
  return Status::Ok();
}

}  // namespace muster::notify

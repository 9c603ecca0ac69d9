// SettingsReader: typed, checked access to one [notifiers.NAME] table for a
// backend's factory. Every error names "notifiers.NAME.KEY". Finish() rejects
// keys nobody read (BackendLimitKeys() excepted), so a typo is an error, not
// a silently ignored setting. Not thread-safe; used once, at construction.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "notify/notifier.h"

namespace muster::notify {

class SettingsReader {
 public:
  explicit SettingsReader(const NotifierSpec& spec) : spec_(spec) {}

  // The first error met so far (Ok if none); getters return the default after
  // an error, so a factory can read everything and check once.
  const Status& status() const { return status_; }

  std::string String(const std::string& key, const std::string& def = "");
  std::string RequiredString(const std::string& key);
  int64_t Int(const std::string& key, int64_t def, int64_t min, int64_t max);
  bool Bool(const std::string& key, bool def);
  std::vector<std::string> StringList(const std::string& key);
  // One of `allowed`; error lists them.
  std::string Choice(const std::string& key, const std::string& def,
                     const std::vector<std::string>& allowed);
  bool Has(const std::string& key) const { return spec_.settings.count(key) != 0; }

  // Records an error for key (first one wins).
  void Fail(const std::string& key, const std::string& message);
  // "notifiers.NAME.KEY".
  std::string Field(const std::string& key) const;

  // Checks for unknown keys; returns the first error seen.
  Status Finish();

 private:
  const SettingValue* Find(const std::string& key);

  const NotifierSpec& spec_;
  std::set<std::string> read_;
  Status status_;
};

// "a string", "an integer", ... for messages like "expected a string, got an integer".
const char* SettingTypeName(const SettingValue& value);

}  // namespace muster::notify

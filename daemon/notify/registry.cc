// The backend registry and the limits every backend table may carry.
// Adding a backend: its own files, plus one line in kBackends below.
#include <algorithm>
#include <utility>

#include "notify/email_notifier.h"
#include "notify/exec_notifier.h"
#include "notify/log_notifier.h"
#include "notify/notifier.h"
#include "notify/settings.h"
#include "notify/sms_notifier.h"
#include "notify/webhook_notifier.h"

namespace muster::notify {
namespace {

const std::vector<std::pair<std::string, NotifierFactory>>& Backends() {
  static const std::vector<std::pair<std::string, NotifierFactory>> kBackends = {
      {"email", MakeEmailNotifier},     //
      {"exec", MakeExecNotifier},       //
      {"log", MakeLogNotifier},         //
      {"sms", MakeSmsNotifier},         //
      {"webhook", MakeWebhookNotifier}  //
  };
  return kBackends;
}

// Reads an integer limit >= min into *out; errors name the key.
Status ReadIntLimit(const NotifierSpec& spec, const std::string& key, int min, int* out) {
  auto it = spec.settings.find(key);
  if (it == spec.settings.end()) return Status::Ok();
  std::string field = "notifiers." + spec.name + "." + key;
  const auto* v = std::get_if<int64_t>(&it->second);
  if (!v) {
    return Status::InvalidArgument(field, "expected an integer >= " + std::to_string(min) +
                                              ", got " + SettingTypeName(it->second));
  }
  if (*v < min || *v > 1'000'000'000) {
    return Status::InvalidArgument(
        field, "expected an integer >= " + std::to_string(min) + ", got " + std::to_string(*v));
  }
  *out = static_cast<int>(*v);
  return Status::Ok();
}

}  // namespace

const char* MessageKindName(MessageKind kind) {
  return kind == MessageKind::kStandDown ? "stand_down" : "callout";
}

const char* SendOutcomeName(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::kDelivered:
      return "delivered";
    case SendOutcome::kSent:
      return "sent";
    case SendOutcome::kRetry:
      return "retry";
    case SendOutcome::kPermanent:
      break;
  }
  return "permanent";
}

const std::vector<std::string>& BackendLimitKeys() {
  static const std::vector<std::string> kKeys = {
      "concurrency",    "rate_per_second",  "max_attempts",       "backoff_initial_ms",
      "backoff_max_ms", "breaker_failures", "breaker_cooldown_ms"};
  return kKeys;
}

Result<BackendLimits> ParseBackendLimits(const NotifierSpec& spec) {
  BackendLimits l;
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "concurrency", 1, &l.concurrency));
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "max_attempts", 1, &l.max_attempts));
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "backoff_initial_ms", 0, &l.backoff_initial_ms));
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "backoff_max_ms", 0, &l.backoff_max_ms));
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "breaker_failures", 1, &l.breaker_failures));
  MUSTER_RETURN_IF_ERROR(ReadIntLimit(spec, "breaker_cooldown_ms", 0, &l.breaker_cooldown_ms));
  if (l.backoff_max_ms < l.backoff_initial_ms) {
    return Status::InvalidArgument("notifiers." + spec.name + ".backoff_max_ms",
                                   "must be >= backoff_initial_ms (" +
                                       std::to_string(l.backoff_initial_ms) + "), got " +
                                       std::to_string(l.backoff_max_ms));
  }
  auto it = spec.settings.find("rate_per_second");
  if (it != spec.settings.end()) {
    std::string field = "notifiers." + spec.name + ".rate_per_second";
    double rate = 0;
    if (const auto* i = std::get_if<int64_t>(&it->second)) {
      rate = static_cast<double>(*i);
    } else if (const auto* d = std::get_if<double>(&it->second)) {
      rate = *d;
    } else {
      return Status::InvalidArgument(
          field, std::string("expected a number >= 0, got ") + SettingTypeName(it->second));
    }
    if (!(rate >= 0)) {
      return Status::InvalidArgument(field, "expected a number >= 0, got " + std::to_string(rate));
    }
    l.rate_per_second = rate;
  }
  return l;
}

NotifierFactory FindNotifierFactory(const std::string& type) {
  for (const auto& [name, factory] : Backends()) {
    if (name == type) return factory;
  }
  return nullptr;
}

std::vector<std::string> NotifierTypes() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Backends()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace muster::notify

// The dispatcher's backends and routes from the daemon config (kept apart
// from dispatcher.cc so that tests can give the dispatcher their own).
#include <fmt/format.h>

#include <boost/asio/io_context.hpp>

#include "dispatch/dispatcher.h"

namespace muster::dispatch {

std::map<ChannelKind, std::vector<std::string>> RoutesFromConfig(const DaemonConfig& config) {
  return {{ChannelKind::kSms, config.sms_backends},
          {ChannelKind::kEmail, config.email_backends},
          {ChannelKind::kWebhook, config.webhook_backends}};
}

Result<std::vector<Backend>> BuildBackends(const DaemonConfig& config,
                                           boost::asio::any_io_executor executor) {
  std::vector<Backend> out;
  bool has_log = false;
  for (const auto& spec : config.notifiers) {
    auto factory = notify::FindNotifierFactory(spec.type);
    if (!factory) {
      std::string known;
      for (const auto& t : notify::NotifierTypes()) known += (known.empty() ? "" : ", ") + t;
      return Status::InvalidArgument(
          fmt::format("notifiers.{}.type", spec.name),
          fmt::format("'{}' is not a backend type ({})", spec.type, known));
    }
    auto limits = notify::ParseBackendLimits(spec);
    if (!limits.ok()) return limits.status();
    auto n = factory(spec, executor);
    if (!n.ok()) return n.status();
    has_log |= spec.name == "log";
    out.push_back({spec.name, std::move(n).value(), *limits});
  }
  if (!has_log) {
    NotifierSpec log{"log", "log", {}};
    auto factory = notify::FindNotifierFactory("log");
    if (!factory) return Status::Internal("the log notifier is not registered");
    auto n = factory(log, executor);
    if (!n.ok()) return n.status();
    out.push_back({"log", std::move(n).value(), notify::BackendLimits{}});
  }
  return out;
}

Status CheckBackends(const DaemonConfig& config) {
  // The backends are built as start-up builds them, on an executor of their
  // own that never runs: no connection is opened, nothing is sent.
  boost::asio::io_context io;
  auto built = BuildBackends(config, io.get_executor());
  if (!built.ok()) return built.status();
  for (auto& b : *built) b.notifier->Shutdown();
  return {};
}

}  // namespace muster::dispatch

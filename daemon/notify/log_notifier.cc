#include "notify/log_notifier.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "notify/settings.h"

namespace muster::notify {
namespace {

class LogNotifier final : public Notifier {
 public:
  LogNotifier(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    spdlog::info(
        "notify[{}]: {} key={} reservist={} channel={} subject=\"{}\" accept={} decline={}", name_,
        MessageKindName(m.kind), m.idempotency_key, m.reservist_id, ChannelKindName(m.channel.kind),
        m.subject, m.accept_url.empty() ? "-" : m.accept_url,
        m.decline_url.empty() ? "-" : m.decline_url);
    spdlog::debug("notify[{}]: key={} address={}", name_, m.idempotency_key, m.channel.address);
    // Posted, not called inline: the caller may hold state it updates after Send.
    boost::asio::post(executor_, [done = std::move(done)] {
      done(SendResult{SendOutcome::kDelivered, "", ""});
    });
  }

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
};

}  // namespace

Result<std::unique_ptr<Notifier>> MakeLogNotifier(const NotifierSpec& spec,
                                                  boost::asio::any_io_executor executor) {
  SettingsReader r(spec);
  MUSTER_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Notifier>(new LogNotifier(spec.name, std::move(executor)));
}

}  // namespace muster::notify

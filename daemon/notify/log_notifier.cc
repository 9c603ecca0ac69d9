#include "notify/log_notifier.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "notify/settings.h"

namespace muster::notify {

std::string RedactAnswerLink(const std::string& url) {
  if (url.empty()) return "-";
  size_t r = url.rfind("/r/");
  if (r != std::string::npos) {
    size_t end = url.find('/', r + 3);
    return url.substr(0, r + 3) + "<redacted>" + (end == std::string::npos ? "" : url.substr(end));
  }
  // Not an answer link of ours: keep scheme and host only.
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path) + "/<redacted>";
}

namespace {

class LogNotifier final : public Notifier {
 public:
  LogNotifier(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}

  void Send(const Message& m, std::function<void(SendResult)> done) override {
    // Answer links are bearer secrets: whoever reads the log could answer
    // for the reservist. Info lines carry them redacted; the full links
    // (and the address) only at debug level.
    spdlog::info(
        "notify[{}]: {} key={} reservist={} channel={} subject=\"{}\" accept={} decline={}", name_,
        MessageKindName(m.kind), m.idempotency_key, m.reservist_id, ChannelKindName(m.channel.kind),
        m.subject, RedactAnswerLink(m.accept_url), RedactAnswerLink(m.decline_url));
    spdlog::debug("notify[{}]: key={} address={} accept={} decline={}", name_, m.idempotency_key,
                  m.channel.address, m.accept_url.empty() ? "-" : m.accept_url,
                  m.decline_url.empty() ? "-" : m.decline_url);
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

// Pieces shared by the backends that are not HTTP-specific.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

// Client TLS settings: TLS 1.2+, peer verification (when verify) against the
// system store or ca_file. Error: InvalidArgument field "ca_file".
Status ConfigureTlsClient(boost::asio::ssl::context& ctx, const std::string& ca_file, bool verify);

// The Notifier handed to the dispatcher for an implementation that lives in a
// shared_ptr (so in-flight coroutines can keep it alive after the handle is
// gone). Destroying the handle shuts the implementation down.
template <typename Impl>
class SharedNotifierHandle final : public Notifier {
 public:
  explicit SharedNotifierHandle(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  ~SharedNotifierHandle() override { impl_->Shutdown(); }
  void Send(const Message& m, std::function<void(SendResult)> done) override {
    impl_->Send(m, std::move(done));
  }
  void Shutdown() override { impl_->Shutdown(); }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace muster::notify

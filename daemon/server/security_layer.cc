#include "server/security_layer.h"

#include <fmt/format.h>
#include <grpcpp/security/server_credentials.h>

#include "server/daemon.h"

namespace muster {
namespace {

// Plaintext, loopback-only unless explicitly allowed; no tokens, no audit.
class PlaintextLayer : public SecurityLayer {
 public:
  std::shared_ptr<grpc::ServerCredentials> credentials() const override {
    return grpc::InsecureServerCredentials();
  }
  void Configure(
      grpc::ServerBuilder&,
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>&)
      override {}
};

}  // namespace

Result<std::unique_ptr<SecurityLayer>> SecurityLayer::Create(const DaemonConfig& config) {
  if (!config.allow_remote_plaintext && !IsLoopbackAddress(config.listen)) {
    return Status::InvalidArgument(
        "listen", fmt::format("'{}' is not a loopback address; plaintext gRPC is only served on "
                              "loopback unless --allow-remote-plaintext is given",
                              config.listen));
  }
  return std::unique_ptr<SecurityLayer>(new PlaintextLayer());
}

}  // namespace muster

#include "connection.h"

#include "core/grpc_code_names.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>

namespace muster::client {

namespace {

std::string ReadPem(const char* flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConnectionSetupError(fmt::format("{}: cannot read '{}'", flag, path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Adds the bearer token to every call's initial metadata. Works on
// plaintext channels too, where gRPC refuses call credentials.
class TokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string& header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string& header_;
};

class TokenInterceptorFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(std::string token) : header_("Bearer " + std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new TokenInterceptor(header_);
  }

 private:
  std::string header_;  // outlives the interceptors: the channel owns the factory
};

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(const ConnectionOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    throw ConnectionSetupError("--cert and --key go together (the client certificate and its key)");
  }
  if (options.ca_file.empty() && options.cert_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) ssl.pem_root_certs = ReadPem("--ca", options.ca_file);
  if (!options.cert_file.empty()) {
    ssl.pem_cert_chain = ReadPem("--cert", options.cert_file);
    ssl.pem_private_key = ReadPem("--key", options.key_file);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

Connection::Connection(ConnectionOptions options, std::shared_ptr<grpc::ChannelInterface> channel)
    : options_(std::move(options)), channel_(std::move(channel)) {}

std::shared_ptr<grpc::ChannelInterface> Connection::channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    // Import chunks are bounded well below this; replies (a page of 1000
    // reservists) too. Generous so that a big page never fails.
    args.SetMaxReceiveMessageSize(64 << 20);
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
    if (!options_.token.empty()) {
      factories.push_back(std::make_unique<TokenInterceptorFactory>(options_.token));
    }
    channel_ = grpc::experimental::CreateCustomChannelWithInterceptors(
        options_.server, MakeCredentials(options_), args, std::move(factories));
  }
  return channel_;
}

muster::v1::RosterService::StubInterface& Connection::roster() {
  if (roster_ == nullptr) roster_ = muster::v1::RosterService::NewStub(channel());
  return *roster_;
}

void Connection::SetDeadline(grpc::ClientContext* context) const {
  context->set_deadline(std::chrono::system_clock::now() + options_.timeout);
}

std::string_view StatusCodeName(grpc::StatusCode code) {
  std::string_view name = GrpcCodeNameOrEmpty(static_cast<int>(code));
  return name.empty() ? "UNKNOWN" : name;
}

ExitCode ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitDenied;
    default:
      return kExitFailed;
  }
}

std::string DescribeRpcError(const grpc::Status& status, std::string_view server) {
  std::string text = fmt::format(
      "{}: {}", StatusCodeName(status.error_code()),
      status.error_message().empty() ? "(no message from the server)" : status.error_message());
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    text += fmt::format(" (is musterd running at {}?)", server);
  } else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    text += fmt::format(" (no answer from {} in time; see --timeout)", server);
  } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    text += fmt::format(" (the server at {} does not offer this call; is it musterd?)", server);
  }
  return text;
}

}  // namespace muster::client

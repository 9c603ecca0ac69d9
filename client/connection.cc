#include "connection.h"

#include <fmt/format.h>

#include <array>

namespace muster::client {

Connection::Connection(ConnectionOptions options, std::shared_ptr<grpc::ChannelInterface> channel)
    : options_(std::move(options)), channel_(std::move(channel)) {}

std::shared_ptr<grpc::ChannelInterface> Connection::channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    // Import chunks are bounded well below this; replies (a page of 1000
    // reservists) too. Generous so that a big page never fails.
    args.SetMaxReceiveMessageSize(64 << 20);
    channel_ = grpc::CreateCustomChannel(options_.server, grpc::InsecureChannelCredentials(), args);
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
  static constexpr std::array<std::string_view, 17> kNames = {"OK",
                                                              "CANCELLED",
                                                              "UNKNOWN",
                                                              "INVALID_ARGUMENT",
                                                              "DEADLINE_EXCEEDED",
                                                              "NOT_FOUND",
                                                              "ALREADY_EXISTS",
                                                              "PERMISSION_DENIED",
                                                              "RESOURCE_EXHAUSTED",
                                                              "FAILED_PRECONDITION",
                                                              "ABORTED",
                                                              "OUT_OF_RANGE",
                                                              "UNIMPLEMENTED",
                                                              "INTERNAL",
                                                              "UNAVAILABLE",
                                                              "DATA_LOSS",
                                                              "UNAUTHENTICATED"};
  auto index = static_cast<size_t>(code);
  return index < kNames.size() ? kNames[index] : "UNKNOWN";
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

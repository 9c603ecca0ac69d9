// The one place where domain Status codes become gRPC status codes.
#pragma once

#include <grpcpp/support/status.h>

#include <cstddef>
#include <string>

#include "core/status.h"

namespace muster::api {

grpc::StatusCode ToGrpcCode(Code code);
// The message is "field: message" when the Status names a field, cut to
// kMaxStatusMessageBytes (BoundedStatusMessage).
grpc::Status ToGrpcStatus(const Status& status);

// Status messages quote what the caller sent (an e-mail address, a skill
// code); the message travels in a trailer, whose size gRPC limits (8 KiB by
// default), so an unbounded quote would turn INVALID_ARGUMENT into
// RESOURCE_EXHAUSTED on the client. 1 KiB is far more than any message needs.
inline constexpr size_t kMaxStatusMessageBytes = 1024;
// message cut to kMaxStatusMessageBytes at a UTF-8 boundary, ending
// "...(+N bytes)" when cut.
std::string BoundedStatusMessage(std::string message);

}  // namespace muster::api

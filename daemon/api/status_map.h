// The one place where domain Status codes become gRPC status codes.
#pragma once

#include <grpcpp/support/status.h>

#include "core/status.h"

namespace muster::api {

grpc::StatusCode ToGrpcCode(Code code);
// The message is "field: message" when the Status names a field.
grpc::Status ToGrpcStatus(const Status& status);

}  // namespace muster::api

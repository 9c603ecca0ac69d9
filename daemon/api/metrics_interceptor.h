// A gRPC server interceptor that records, for every RPC:
//   muster_grpc_requests_total{method,code}          counter, on completion
//   muster_grpc_request_duration_seconds{method}     histogram, call start to
//                                                    status sent (streams: the
//                                                    whole stream)
// method is "RosterService/ListReservists" (package dropped); code is the
// gRPC status name ("OK", "NOT_FOUND", ...). A call that ends without a
// status being sent (client gone) counts as "CANCELLED". At most 256 distinct
// method values are kept; beyond that (e.g. a client probing random names)
// the label is "other", so the series count stays bounded.
//
// Wire it with:
//   std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> v;
//   v.push_back(api::MakeMetricsInterceptorFactory(metrics::DefaultRegistry()));
//   builder.experimental().SetInterceptorCreators(std::move(v));
// The registry must outlive the server.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <string_view>

#include "metrics/metrics.h"

namespace muster::api {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(metrics::Registry& registry);

// "/muster.v1.RosterService/ListReservists" -> "RosterService/ListReservists".
std::string ShortMethodName(std::string_view full_method);

// "OK", "CANCELLED", ... "UNAUTHENTICATED"; "UNKNOWN_CODE_<n>" otherwise.
std::string GrpcCodeName(int code);

}  // namespace muster::api

// The canonical names of gRPC status codes, without depending on gRPC, so
// that the daemon (metrics, audit) and musterctl (messages) print the same.
#pragma once

#include <array>
#include <string_view>

namespace muster {

// "OK", "CANCELLED", ... "UNAUTHENTICATED" for codes 0..16; "" otherwise.
inline std::string_view GrpcCodeNameOrEmpty(int code) {
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
  return code >= 0 && code < static_cast<int>(kNames.size()) ? kNames[static_cast<size_t>(code)]
                                                             : std::string_view();
}

}  // namespace muster

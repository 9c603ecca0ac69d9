#include "api/status_map.h"

#include <catch2/catch.hpp>

using namespace muster;

TEST_CASE("status messages quoting long values are cut to 1 KiB, code and field kept", "[api]") {
  std::string value(10000, 'a');
  grpc::Status st = api::ToGrpcStatus(
      Status::InvalidArgument("channels[0].address", "'" + value + "' is not an e-mail address"));
  CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(st.error_message().starts_with("channels[0].address: 'aaa"));
  CHECK(st.error_message().size() <= api::kMaxStatusMessageBytes + 32);
  CHECK(st.error_message().ends_with("bytes)"));
  // Short messages are untouched.
  CHECK(api::ToGrpcStatus(Status::NotFound("reservist 4 not found")).error_message() ==
        "reservist 4 not found");
  // A cut never splits a UTF-8 character.
  std::string accents;
  for (int i = 0; i < 1000; ++i) accents += "\xc3\xa9";
  std::string cut = api::BoundedStatusMessage(accents);
  size_t kept = cut.find("...(+");
  REQUIRE(kept != std::string::npos);
  CHECK(kept % 2 == 0);
}

TEST_CASE("every domain code maps to the gRPC code the API documents", "[api]") {
  // proto/muster/v1/*.proto name these codes: a reused idempotency key is
  // ALREADY_EXISTS, a state that forbids a valid request FAILED_PRECONDITION.
  CHECK(api::ToGrpcCode(Code::kOk) == grpc::StatusCode::OK);
  CHECK(api::ToGrpcCode(Code::kInvalidArgument) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(api::ToGrpcCode(Code::kNotFound) == grpc::StatusCode::NOT_FOUND);
  CHECK(api::ToGrpcCode(Code::kAlreadyExists) == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(api::ToGrpcCode(Code::kFailedPrecondition) == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(api::ToGrpcCode(Code::kAborted) == grpc::StatusCode::ABORTED);
  CHECK(api::ToGrpcCode(Code::kUnauthenticated) == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(api::ToGrpcCode(Code::kPermissionDenied) == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(api::ToGrpcCode(Code::kUnavailable) == grpc::StatusCode::UNAVAILABLE);
  CHECK(api::ToGrpcCode(Code::kInternal) == grpc::StatusCode::INTERNAL);
  grpc::Status st = api::ToGrpcStatus(Status::AlreadyExists(
      "idempotency_key", "idempotency key 'k' was used for a different activation"));
  CHECK(st.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(st.error_message() ==
        "idempotency_key: idempotency key 'k' was used for a different activation");
}

// The metrics interceptor on an in-process gRPC server (127.0.0.1, port 0)
// with a small fake RosterService, read back through the registry's text.
#include "api/metrics_interceptor.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "muster/v1/roster.grpc.pb.h"

using namespace muster;
namespace v1 = muster::v1;

namespace {

// GetReservist: OK for id 1, NOT_FOUND otherwise; ExportReservists streams
// three; everything else is the generated UNIMPLEMENTED.
class FakeRoster final : public v1::RosterService::Service {
 public:
  grpc::Status GetReservist(grpc::ServerContext*, const v1::GetReservistRequest* req,
                            v1::Reservist* out) override {
    if (req->ref().id() != 1) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such reservist");
    out->set_id(1);
    return grpc::Status::OK;
  }
  grpc::Status ExportReservists(grpc::ServerContext*, const v1::ListReservistsRequest*,
                                grpc::ServerWriter<v1::Reservist>* writer) override {
    for (int i = 1; i <= 3; ++i) {
      v1::Reservist r;
      r.set_id(i);
      writer->Write(r);
    }
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

// The value of `name{labels}` in text format output, or -1 if absent.
double SampleValue(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("metrics interceptor counts calls by method and code and times them") {
  metrics::Registry registry;
  FakeRoster service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(api::MakeMetricsInterceptorFactory(registry));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  REQUIRE(server);
  REQUIRE(port > 0);

  auto stub = v1::RosterService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  v1::GetReservistRequest found;
  found.mutable_ref()->set_id(1);
  v1::GetReservistRequest missing;
  missing.mutable_ref()->set_id(2);
  v1::Reservist out;
  for (int i = 0; i < 3; ++i) REQUIRE(stub->GetReservist(Ctx().get(), found, &out).ok());
  CHECK(stub->GetReservist(Ctx().get(), missing, &out).error_code() == grpc::StatusCode::NOT_FOUND);
  v1::ListReservistsResponse list;
  CHECK(stub->ListReservists(Ctx().get(), v1::ListReservistsRequest(), &list).error_code() ==
        grpc::StatusCode::UNIMPLEMENTED);
  {
    auto ctx = Ctx();
    auto reader = stub->ExportReservists(ctx.get(), v1::ListReservistsRequest());
    int n = 0;
    while (reader->Read(&out)) ++n;
    CHECK(n == 3);
    CHECK(reader->Finish().ok());
  }

  // The server records just before the status goes out, so by now it is
  // there; shut down first anyway so that every interceptor has finished.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server->Wait();

  std::string text = registry.RenderText();
  INFO(text);
  CHECK(text.find("# TYPE muster_grpc_requests_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE muster_grpc_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(SampleValue(
            text, R"(muster_grpc_requests_total{code="OK",method="RosterService/GetReservist"})") ==
        3);
  CHECK(
      SampleValue(
          text,
          R"(muster_grpc_requests_total{code="NOT_FOUND",method="RosterService/GetReservist"})") ==
      1);
  CHECK(
      SampleValue(
          text,
          R"(muster_grpc_requests_total{code="UNIMPLEMENTED",method="RosterService/ListReservists"})") ==
      1);
  CHECK(SampleValue(
            text,
            R"(muster_grpc_requests_total{code="OK",method="RosterService/ExportReservists"})") ==
        1);
  CHECK(SampleValue(
            text,
            R"(muster_grpc_request_duration_seconds_count{method="RosterService/GetReservist"})") ==
        4);
  CHECK(
      SampleValue(
          text,
          R"(muster_grpc_request_duration_seconds_bucket{method="RosterService/GetReservist",le="+Inf"})") ==
      4);
}

TEST_CASE("metrics interceptor names methods without the package and codes by name") {
  CHECK(api::ShortMethodName("/muster.v1.RosterService/ListReservists") ==
        "RosterService/ListReservists");
  CHECK(api::ShortMethodName("/grpc.health.v1.Health/Check") == "Health/Check");
  CHECK(api::ShortMethodName("/Plain/Method") == "Plain/Method");
  CHECK(api::ShortMethodName("") == "unknown");
  CHECK(api::GrpcCodeName(0) == "OK");
  CHECK(api::GrpcCodeName(5) == "NOT_FOUND");
  CHECK(api::GrpcCodeName(16) == "UNAUTHENTICATED");
  CHECK(api::GrpcCodeName(99) == "UNKNOWN_CODE_99");
}

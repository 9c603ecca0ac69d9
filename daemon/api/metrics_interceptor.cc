#include "api/metrics_interceptor.h"

#include "core/grpc_code_names.h"

#include <chrono>
#include <mutex>
#include <set>

namespace muster::api {

namespace {

constexpr size_t kMaxMethods = 256;

class MetricsInterceptorFactory;

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(metrics::Registry& registry, std::string method)
      : registry_(registry), method_(std::move(method)), start_(std::chrono::steady_clock::now()) {}

  ~MetricsInterceptor() override {
    if (!recorded_) Record("CANCELLED");
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(GrpcCodeName(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  void Record(const std::string& code) {
    recorded_ = true;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    registry_
        .GetCounter("muster_grpc_requests_total",
                    "gRPC calls completed, by method and status code.",
                    {{"method", method_}, {"code", code}})
        .Inc();
    registry_
        .GetHistogram("muster_grpc_request_duration_seconds",
                      "gRPC call duration in seconds, from the call's start to its status.",
                      {{"method", method_}})
        .Observe(seconds);
  }

  metrics::Registry& registry_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::Registry& registry) : registry_(registry) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* full = info != nullptr ? info->method() : nullptr;
    return new MetricsInterceptor(registry_, BoundedMethod(full != nullptr ? full : ""));
  }

 private:
  // The method label, or "other" once kMaxMethods distinct names were seen.
  std::string BoundedMethod(std::string_view full) {
    std::string method = ShortMethodName(full);
    std::lock_guard lock(mu_);
    if (seen_.count(method) != 0) return method;
    if (seen_.size() >= kMaxMethods) return "other";
    seen_.insert(method);
    return method;
  }

  metrics::Registry& registry_;
  std::mutex mu_;
  std::set<std::string> seen_;
};

}  // namespace

std::string ShortMethodName(std::string_view full_method) {
  if (full_method.empty()) return "unknown";
  if (full_method.front() == '/') full_method.remove_prefix(1);
  size_t slash = full_method.find('/');
  std::string_view service = full_method.substr(0, slash);
  size_t dot = service.rfind('.');
  if (dot != std::string_view::npos) full_method.remove_prefix(dot + 1);
  return std::string(full_method);
}

std::string GrpcCodeName(int code) {
  std::string_view name = GrpcCodeNameOrEmpty(code);
  return name.empty() ? "UNKNOWN_CODE_" + std::to_string(code) : std::string(name);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(metrics::Registry& registry) {
  return std::make_unique<MetricsInterceptorFactory>(registry);
}

}  // namespace muster::api

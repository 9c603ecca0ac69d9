#include "server/json_gateway.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>

#include "api/auth_guard.h"
#include "core/grpc_code_names.h"
#include "server/security_layer.h"

namespace muster {
namespace {

namespace pb = google::protobuf;

// How long one unary call may take before the gateway gives up on it.
constexpr auto kUnaryDeadline = std::chrono::seconds(60);
// The largest answer the gateway accepts from the server: list pages and
// previews are far smaller.
constexpr int kMaxResponseBytes = 16 << 20;

// "/muster.v1.RosterService/GetReservist" -> its descriptor. Only muster's
// own services are reachable (not the health check or reflection).
const pb::MethodDescriptor* FindMethod(std::string_view path) {
  if (!path.starts_with("/muster.v1.")) return nullptr;
  path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return nullptr;
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName(std::string(path.substr(0, slash)));
  if (service == nullptr) return nullptr;
  return service->FindMethodByName(std::string(path.substr(slash + 1)));
}

grpc::Status NoSuchMethod(std::string_view path) {
  std::string shown(path.substr(0, 120));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      fmt::format("no method {}: expected /muster.v1.<Service>/<Method> "
                                  "(docs/api-json.md lists them)",
                                  shown));
}

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<pb::Message>(prototype->New());
}

// The request message from its JSON, or INVALID_ARGUMENT naming the problem.
grpc::Status ParseRequest(const pb::MethodDescriptor* method, std::string_view json,
                          grpc::ByteBuffer* out) {
  std::unique_ptr<pb::Message> request = NewMessage(method->input_type());
  std::string text(json.empty() ? std::string_view("{}") : json);
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field is an error, not a silent default
  pb::util::Status parsed = pb::util::JsonStringToMessage(text, request.get(), options);
  if (!parsed.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        fmt::format("the request body is not a valid {} in JSON: {}",
                                    method->input_type()->full_name(),
                                    std::string(parsed.message().data(), parsed.message().size())));
  }
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  *out = grpc::ByteBuffer(&slice, 1);
  return grpc::Status::OK;
}

// The JSON of a response message in a ByteBuffer.
grpc::Status ToJson(const pb::Descriptor* type, const grpc::ByteBuffer& buffer, std::string* json) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the response");
  }
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<pb::Message> message = NewMessage(type);
  if (!message->ParseFromString(bytes)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot parse the response");
  }
  pb::util::JsonPrintOptions options;
  pb::util::Status printed = pb::util::MessageToJsonString(*message, json, options);
  if (!printed.ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "cannot write the response as JSON: " +
                            std::string(printed.message().data(), printed.message().size()));
  }
  return grpc::Status::OK;
}

void PrepareContext(grpc::ClientContext& ctx, const std::string& authorization,
                    const std::string& request_id) {
  if (!authorization.empty()) ctx.AddMetadata(api::kAuthorizationHeader, authorization);
  ctx.AddMetadata(api::kRequestIdHeader, request_id);
}

http::Response JsonResponse(int status, std::string body, const std::string& request_id) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  // Answers carry personal data: never kept by a browser or a proxy.
  r.headers.emplace_back("Cache-Control", "no-store");
  if (!request_id.empty()) r.headers.emplace_back("X-Request-Id", request_id);
  return r;
}

}  // namespace

int HttpStatusOfCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

std::string ConnectCodeName(grpc::StatusCode code) {
  if (code == grpc::StatusCode::CANCELLED) return "canceled";  // Connect's spelling
  std::string name(GrpcCodeNameOrEmpty(static_cast<int>(code)));
  if (name.empty()) return "unknown";
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

http::Response ErrorResponse(const grpc::Status& status, const std::string& request_id) {
  nlohmann::json body = {{"code", ConnectCodeName(status.error_code())},
                         {"message", status.error_message()}};
  return JsonResponse(HttpStatusOfCode(status.error_code()),
                      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                      request_id);
}

// One open watch relayed as Server-Sent Events: a generic streaming call
// (the request written once, then events read until the stream ends).
class JsonGateway::Relay final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Relay(JsonGateway* gateway, const pb::MethodDescriptor* method,
        std::shared_ptr<http::ResponseStream> sink)
      : gateway_(gateway), method_(method), sink_(std::move(sink)) {}

  void Start(grpc::GenericStub& stub, const std::string& path, grpc::ByteBuffer request,
             const std::string& authorization, const std::string& request_id) {
    request_ = std::move(request);
    PrepareContext(ctx_, authorization, request_id);
    stub.PrepareBidiStreamingCall(&ctx_, path, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&event_);
    StartCall();
  }

  void Cancel() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream has ended: OnDone follows
    std::string json;
    grpc::Status st = ToJson(method_->output_type(), event_, &json);
    if (!st.ok() || !sink_->Write("data: " + json + "\n\n")) {
      // The page has gone (or is not reading): end the call.
      ctx_.TryCancel();
      return;
    }
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    // How the stream ended, as a last event, unless the page left first.
    nlohmann::json end = {{"code", ConnectCodeName(status.error_code())},
                          {"message", status.error_message()}};
    if (status.ok()) end["code"] = "ok";
    sink_->Write("event: end\ndata: " +
                 end.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
    sink_->Close();
    gateway_->Released(this);  // may destroy this: nothing after it
  }

 private:
  JsonGateway* gateway_;
  const pb::MethodDescriptor* method_;
  std::shared_ptr<http::ResponseStream> sink_;
  grpc::ClientContext ctx_;
  grpc::ByteBuffer request_, event_;
};

JsonGateway::JsonGateway(std::shared_ptr<grpc::Channel> channel, SecurityLayer& security,
                         int max_streams)
    : channel_(std::move(channel)), security_(security), max_streams_(max_streams) {}

JsonGateway::~JsonGateway() {
  Shutdown();
}

http::Response JsonGateway::Unary(std::string_view path, std::string_view json,
                                  const std::string& authorization, const std::string& request_id) {
  const pb::MethodDescriptor* method = FindMethod(path);
  if (method == nullptr) {
    http::Response r = ErrorResponse(NoSuchMethod(path), request_id);
    r.status = 404;
    return r;
  }
  if (method->client_streaming() || method->server_streaming()) {
    std::string instead =
        method->client_streaming()
            ? "call it over gRPC (musterctl)"
            : fmt::format("read it as Server-Sent Events from GET /events{} or over gRPC", path);
    return ErrorResponse(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                     fmt::format("{} is a streaming method, which the JSON API does not call as "
                                 "unary: {}",
                                 method->full_name(), instead)),
        request_id);
  }
  grpc::ByteBuffer request;
  if (grpc::Status st = ParseRequest(method, json, &request); !st.ok()) {
    return ErrorResponse(st, request_id);
  }
  const std::string full(path);
  if (grpc::Status st = security_.AdmitInProcess(full, authorization, request_id); !st.ok()) {
    return ErrorResponse(st, request_id);
  }
  grpc::GenericStub stub(channel_);
  grpc::ClientContext ctx;
  PrepareContext(ctx, authorization, request_id);
  ctx.set_deadline(std::chrono::system_clock::now() + kUnaryDeadline);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, full, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return ErrorResponse(status, request_id);
  std::string body;
  if (grpc::Status st = ToJson(method->output_type(), response, &body); !st.ok()) {
    return ErrorResponse(st, request_id);
  }
  return JsonResponse(200, std::move(body), request_id);
}

http::Response JsonGateway::Watch(std::string_view path, std::string_view json,
                                  const std::string& authorization, const std::string& request_id) {
  const pb::MethodDescriptor* method = FindMethod(path);
  if (method == nullptr || !method->server_streaming() || method->client_streaming() ||
      !method->name().starts_with("Watch")) {
    http::Response r = ErrorResponse(NoSuchMethod(path), request_id);
    r.status = 404;
    return r;
  }
  grpc::ByteBuffer request;
  if (grpc::Status st = ParseRequest(method, json, &request); !st.ok()) {
    return ErrorResponse(st, request_id);
  }
  const std::string full(path);
  if (grpc::Status st = security_.AdmitInProcess(full, authorization, request_id); !st.ok()) {
    return ErrorResponse(st, request_id);
  }
  {
    std::lock_guard lock(mu_);
    if (shut_down_) {
      return ErrorResponse(grpc::Status(grpc::StatusCode::UNAVAILABLE, "musterd is shutting down"),
                           request_id);
    }
    if (open_streams_.load() >= max_streams_) {
      return ErrorResponse(
          grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                       fmt::format("{} event streams are open, the most console.max_event_streams "
                                   "allows: close one or try again later",
                                   max_streams_)),
          request_id);
    }
    ++open_streams_;  // held from here: the stream function below takes it over
  }
  http::Response r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events on at once
  r.headers.emplace_back("X-Request-Id", request_id);
  auto held = std::make_shared<std::atomic<bool>>(true);
  r.stream = [this, method, full, request = std::move(request), authorization, request_id,
              held](std::shared_ptr<http::ResponseStream> sink) mutable {
    held->store(false);
    auto relay = std::make_shared<Relay>(this, method, sink);
    {
      std::lock_guard lock(mu_);
      if (shut_down_) {
        --open_streams_;
        sink->Close();
        return;
      }
      relays_.insert(relay);
    }
    std::weak_ptr<Relay> weak = relay;
    sink->OnEnd([weak] {
      if (auto alive = weak.lock()) alive->Cancel();
    });
    grpc::GenericStub stub(channel_);
    relay->Start(stub, full, std::move(request), authorization, request_id);
  };
  // A response never sent (the connection closed first) gives its slot back.
  class SlotGuard {
   public:
    SlotGuard(JsonGateway* gateway, std::shared_ptr<std::atomic<bool>> held)
        : gateway_(gateway), held_(std::move(held)) {}
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;
    ~SlotGuard() {
      if (held_->exchange(false)) --gateway_->open_streams_;
    }

   private:
    JsonGateway* gateway_;
    std::shared_ptr<std::atomic<bool>> held_;
  };
  auto guard = std::make_shared<SlotGuard>(this, held);
  r.stream = [inner = std::move(r.stream), guard](
                 std::shared_ptr<http::ResponseStream> sink) mutable { inner(std::move(sink)); };
  return r;
}

void JsonGateway::Released(Relay* relay) {
  std::shared_ptr<Relay> last;
  {
    std::lock_guard lock(mu_);
    for (auto it = relays_.begin(); it != relays_.end(); ++it) {
      if (it->get() == relay) {
        last = *it;
        relays_.erase(it);
        break;
      }
    }
    --open_streams_;
  }
  ended_.notify_all();
  // `last` is destroyed here, outside the lock (the relay's OnDone has
  // finished with every member by now).
}

void JsonGateway::Shutdown() {
  std::vector<std::shared_ptr<Relay>> open;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    open.assign(relays_.begin(), relays_.end());
  }
  for (auto& r : open) r->Cancel();
  open.clear();
  // Wait for the relays to finish (a cancelled call ends promptly), so that
  // none outlives the channel or this gateway.
  std::unique_lock lock(mu_);
  if (!ended_.wait_for(lock, std::chrono::seconds(5), [this] { return relays_.empty(); })) {
    spdlog::warn("console: {} event streams did not end at shutdown", relays_.size());
  }
}

}  // namespace muster

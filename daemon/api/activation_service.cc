#include "api/activation_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "api/activation_convert.h"
#include "api/page_token.h"
#include "api/status_map.h"

namespace muster::api {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

Result<ActivationSpec> SpecFrom(bool has_spec, const v1::ActivationSpec& spec) {
  if (!has_spec) return Status::InvalidArgument("spec", "is required");
  auto s = FromProto(spec);
  if (!s.ok()) return s.status().WithFieldPrefix("spec");
  return s;
}

grpc::Status SpecError(const Status& st) {
  // Spec errors from the domain name fields relative to the spec.
  return ToGrpcStatus(st.code() == Code::kInvalidArgument && st.field() != "idempotency_key"
                          ? st.WithFieldPrefix("spec")
                          : st);
}

}  // namespace

grpc::Status ActivationServiceImpl::CreateActivation(grpc::ServerContext*,
                                                     const v1::CreateActivationRequest* req,
                                                     v1::CreateActivationResponse* resp) {
  auto spec = SpecFrom(req->has_spec(), req->spec());
  if (!spec.ok()) return ToGrpcStatus(spec.status());
  auto outcome = manager_.Create(std::move(spec).value(), req->idempotency_key());
  if (!outcome.ok()) return SpecError(outcome.status());
  const Activation& a = outcome->activation;
  if (outcome->created) {
    spdlog::info("activation {} created: '{}' ({} asked)", a.id, a.spec.title, a.callouts.size());
  }
  ToProto(a, resp->mutable_activation());
  resp->set_created(outcome->created);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::PreviewActivation(grpc::ServerContext*,
                                                      const v1::PreviewActivationRequest* req,
                                                      v1::PreviewActivationResponse* resp) {
  auto spec = SpecFrom(req->has_spec(), req->spec());
  if (!spec.ok()) return ToGrpcStatus(spec.status());
  auto a = manager_.Preview(std::move(spec).value());
  if (!a.ok()) return SpecError(a.status());
  ToProto(*a, resp->mutable_activation());
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::GetActivation(grpc::ServerContext*,
                                                  const v1::GetActivationRequest* req,
                                                  v1::Activation* resp) {
  auto a = manager_.Get(req->id());
  if (!a.ok()) return ToGrpcStatus(a.status());
  ToProto(*a, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::ListActivations(grpc::ServerContext*,
                                                    const v1::ListActivationsRequest* req,
                                                    v1::ListActivationsResponse* resp) {
  auto state = StateFilterFromProto(req->state());
  if (!state.ok()) return ToGrpcStatus(state.status());
  int size = req->page_size() == 0 ? kDefaultPageSize : req->page_size();
  if (size < 0 || size > kMaxPageSize) {
    return ToGrpcStatus(Status::InvalidArgument(
        "page_size", fmt::format("{} is out of range [0, {}]", size, kMaxPageSize)));
  }
  auto before = ParsePageToken(req->page_token(), 1);
  if (!before.ok()) return ToGrpcStatus(before.status());
  auto list = manager_.List(*state, *before, size + 1);
  if (!list.ok()) return ToGrpcStatus(list.status());
  bool more = static_cast<int>(list->size()) > size;
  if (more) list->pop_back();
  for (const auto& a : *list) ToProto(a, resp->add_activations(), /*with_candidates=*/false);
  if (more) resp->set_next_page_token(std::to_string(list->back().id));
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::CancelActivation(grpc::ServerContext*,
                                                     const v1::CancelActivationRequest* req,
                                                     v1::Activation* resp) {
  auto a = manager_.Cancel(req->id(), req->reason());
  if (!a.ok()) return ToGrpcStatus(a.status());
  spdlog::info("activation {} cancelled", a->id);
  ToProto(*a, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::Explain(grpc::ServerContext*, const v1::ExplainRequest* req,
                                            v1::ExplainResponse* resp) {
  auto e = manager_.Explain(req->activation_id(), req->reservist_id());
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, resp);
  return grpc::Status::OK;
}

}  // namespace muster::api

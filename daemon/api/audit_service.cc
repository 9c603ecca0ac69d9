#include "api/audit_service.h"

#include <fmt/format.h>

#include "api/page_token.h"
#include "api/status_map.h"
#include "core/civil_time.h"

namespace muster::api {

grpc::Status AuditServiceImpl::ListAudit(grpc::ServerContext*, const v1::ListAuditRequest* req,
                                         v1::ListAuditResponse* resp) {
  if (req->page_size() < 0 || req->page_size() > 1000) {
    return ToGrpcStatus(Status::InvalidArgument(
        "page_size", fmt::format("{} is out of range [0, 1000]", req->page_size())));
  }
  auto after = ParsePageToken(req->page_token(), 1);
  if (!after.ok()) return ToGrpcStatus(after.status());
  AuditFilter filter;
  filter.after_id = *after;
  if (req->has_since()) {
    if (auto st = CheckAcceptedInstant("since", req->since().seconds()); !st.ok()) {
      return ToGrpcStatus(st);
    }
    filter.since_ms = req->since().seconds() * 1000 + req->since().nanos() / 1'000'000;
  }
  filter.actor = req->actor();
  filter.action = req->action();
  filter.limit = req->page_size() == 0 ? 100 : req->page_size();
  // One more than asked tells whether another page follows.
  filter.limit += 1;
  auto rows = log_.List(filter);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  bool more = static_cast<int>(rows->size()) > filter.limit - 1;
  if (more) rows->pop_back();
  for (const AuditEntry& e : *rows) {
    v1::AuditRecord* r = resp->add_records();
    r->set_id(e.id);
    r->mutable_at()->set_seconds(e.at_ms / 1000);
    r->mutable_at()->set_nanos(static_cast<int32_t>((e.at_ms % 1000) * 1'000'000));
    r->set_actor(e.actor);
    r->set_action(e.action);
    r->set_target(e.target);
    r->set_outcome(e.outcome);
    r->set_request_id(e.request_id);
    r->set_prev_hash(e.prev_hash);
    r->set_hash(e.hash);
  }
  if (more && !rows->empty()) resp->set_next_page_token(std::to_string(rows->back().id));
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::VerifyAudit(grpc::ServerContext*, const v1::VerifyAuditRequest*,
                                           v1::VerifyAuditResponse* resp) {
  auto v = log_.Verify();
  if (!v.ok()) return ToGrpcStatus(v.status());
  resp->set_ok(v->ok);
  resp->set_rows_checked(v->rows_checked);
  resp->set_first_bad_id(v->first_bad_id);
  resp->set_problem(v->problem);
  return grpc::Status::OK;
}

}  // namespace muster::api

#include "api/roster_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>

#include "api/auth_guard.h"
#include "api/convert.h"
#include "api/page_token.h"
#include "api/status_map.h"
#include "roster/roster_import.h"

namespace muster::api {
namespace {

// Tells the audit (AuthGuard) how many reservists' contact details a read
// returned; the guard turns it into "rows=N" in the audit record.
void NoteRowsRead(grpc::ServerContext* ctx, size_t rows) {
  if (ctx != nullptr) ctx->AddTrailingMetadata(kAuditRowsTrailer, std::to_string(rows));
}

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

grpc::Status Invalid(const std::string& field, const std::string& message) {
  return ToGrpcStatus(Status::InvalidArgument(field, message));
}

void ToProto(const ImportReport& report, v1::ImportSummary* out) {
  out->set_received(report.received);
  out->set_created(report.created);
  out->set_updated(report.updated);
  out->set_rejected(report.rejected);
  out->set_committed(report.committed);
  for (const auto& e : report.errors) {
    auto* pe = out->add_errors();
    pe->set_line(e.line);
    pe->set_field(e.status.field());
    pe->set_message(e.status.message());
  }
}

// Converts a chunk's rows; conversion failures become row errors, and so do
// rows a scoped caller may not write.
void AddChunk(RosterImport& import, v1::ImportChunk& chunk, Roster& roster,
              const AreaScope& scope) {
  for (const auto& bad : chunk.unparsed()) {
    import.AddRejected(bad.line(), Status::InvalidArgument(bad.field(), bad.message()));
  }
  std::vector<ImportItem> items;
  items.reserve(static_cast<size_t>(chunk.rows_size()));
  for (auto& row : *chunk.mutable_rows()) {
    auto r = FromProto(row.reservist());
    Status writable = r.ok() ? roster.CheckWritable(*r, scope) : r.status();
    if (!writable.ok()) {
      import.AddRejected(row.line(), writable);
    } else {
      items.push_back(ImportItem{row.line(), std::move(r).value()});
    }
  }
  import.AddRows(std::move(items));
}

}  // namespace

grpc::Status RosterServiceImpl::UpsertReservist(grpc::ServerContext* ctx,
                                                const v1::UpsertReservistRequest* req,
                                                v1::UpsertReservistResponse* resp) {
  if (!req->has_reservist()) return Invalid("reservist", "is required");
  auto r = FromProto(req->reservist());
  if (!r.ok()) return ToGrpcStatus(r.status().WithFieldPrefix("reservist"));
  auto outcome = roster_.UpsertReservist(std::move(r).value(), ScopeOf(ctx));
  if (!outcome.ok()) return ToGrpcStatus(outcome.status().WithFieldPrefix("reservist"));
  ToProto(outcome->stored, resp->mutable_reservist());
  resp->set_created(outcome->created);
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::GetReservist(grpc::ServerContext* ctx,
                                             const v1::GetReservistRequest* req,
                                             v1::Reservist* resp) {
  auto ref = FromProto(req->ref());
  if (!ref.ok()) return ToGrpcStatus(ref.status());
  auto r = roster_.GetReservist(*ref, ScopeOf(ctx));
  if (!r.ok()) return ToGrpcStatus(r.status());
  ToProto(*r, resp);
  NoteRowsRead(ctx, 1);
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::ListReservists(grpc::ServerContext* ctx,
                                               const v1::ListReservistsRequest* req,
                                               v1::ListReservistsResponse* resp) {
  auto filter = FilterFromProto(*req);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  filter = roster_.ScopedFilter(std::move(filter).value(), ScopeOf(ctx));
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  int size = req->page_size() == 0 ? kDefaultPageSize : req->page_size();
  if (size < 0 || size > kMaxPageSize) {
    return Invalid("page_size", fmt::format("{} is out of range [0, {}]", size, kMaxPageSize));
  }
  auto after = ParsePageToken(req->page_token(), 0);
  if (!after.ok()) return ToGrpcStatus(after.status());
  // One extra row tells whether another page follows.
  auto rows = roster_.ListReservists(*filter, *after, size + 1);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  auto total = roster_.CountReservists(*filter);
  if (!total.ok()) return ToGrpcStatus(total.status());
  bool more = static_cast<int>(rows->size()) > size;
  if (more) rows->pop_back();
  for (const auto& r : *rows) ToProto(r, resp->add_reservists());
  if (more) resp->set_next_page_token(std::to_string(rows->back().id));
  resp->set_total(*total);
  NoteRowsRead(ctx, rows->size());
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::ExportReservists(grpc::ServerContext* ctx,
                                                 const v1::ListReservistsRequest* req,
                                                 grpc::ServerWriter<v1::Reservist>* writer) {
  auto filter = FilterFromProto(*req);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  filter = roster_.ScopedFilter(std::move(filter).value(), ScopeOf(ctx));
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  bool broken = false;
  v1::Reservist msg;
  size_t sent = 0;
  Status st = roster_.ForEachReservist(*filter, [&](const Reservist& r) {
    msg.Clear();
    ToProto(r, &msg);
    if (ctx->IsCancelled() || !writer->Write(msg)) {
      broken = true;
      return false;
    }
    ++sent;
    return true;
  });
  // Whatever left the building is on record, also when the export broke off.
  NoteRowsRead(ctx, sent);
  if (!st.ok()) return ToGrpcStatus(st);
  if (broken) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::SetStatus(grpc::ServerContext* ctx,
                                          const v1::SetReservistStatusRequest& req,
                                          ReservistStatus status, v1::Reservist* resp) {
  auto ref = FromProto(req.ref());
  if (!ref.ok()) return ToGrpcStatus(ref.status());
  if (req.reason().size() > kMaxNameLength) return Invalid("reason", "is longer than 200 bytes");
  auto r = roster_.SetStatus(*ref, status, ScopeOf(ctx));
  if (!r.ok()) return ToGrpcStatus(r.status());
  ToProto(*r, resp);
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::SuspendReservist(grpc::ServerContext* ctx,
                                                 const v1::SetReservistStatusRequest* req,
                                                 v1::Reservist* resp) {
  return SetStatus(ctx, *req, ReservistStatus::kSuspended, resp);
}

grpc::Status RosterServiceImpl::ReactivateReservist(grpc::ServerContext* ctx,
                                                    const v1::SetReservistStatusRequest* req,
                                                    v1::Reservist* resp) {
  return SetStatus(ctx, *req, ReservistStatus::kActive, resp);
}

grpc::Status RosterServiceImpl::DeleteReservist(grpc::ServerContext* ctx,
                                                const v1::DeleteReservistRequest* req,
                                                v1::DeleteReservistResponse*) {
  auto ref = FromProto(req->ref());
  if (!ref.ok()) return ToGrpcStatus(ref.status());
  return ToGrpcStatus(roster_.DeleteReservist(*ref, ScopeOf(ctx)));
}

grpc::Status RosterServiceImpl::ListSkills(grpc::ServerContext*, const v1::ListSkillsRequest*,
                                           v1::ListSkillsResponse* resp) {
  auto skills = roster_.ListSkills();
  if (!skills.ok()) return ToGrpcStatus(skills.status());
  for (const auto& s : *skills) {
    ToProto(s.skill, resp->add_skills());
    resp->add_holders(s.holders);
  }
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::UpsertSkill(grpc::ServerContext* ctx,
                                            const v1::UpsertSkillRequest* req, v1::Skill* resp) {
  if (!ScopeOf(ctx).all()) {
    return ToGrpcStatus(Status::PermissionDenied(
        "the skill catalogue is national: a token scoped to areas may read it, not change it"));
  }
  if (!req->has_skill()) return Invalid("skill", "is required");
  auto s = roster_.UpsertSkill(FromProto(req->skill()));
  if (!s.ok()) return ToGrpcStatus(s.status().WithFieldPrefix("skill"));
  ToProto(*s, resp);
  return grpc::Status::OK;
}

grpc::Status RosterServiceImpl::ImportReservists(grpc::ServerContext* ctx,
                                                 grpc::ServerReader<v1::ImportRequest>* reader,
                                                 v1::ImportSummary* resp) {
  v1::ImportRequest msg;
  bool have = reader->Read(&msg);
  v1::ImportOptions options;
  if (have && msg.has_options()) {
    options = msg.options();
    have = reader->Read(&msg);
  }
  const AreaScope scope = ScopeOf(ctx);
  auto import = roster_.BeginImport(options.atomic(), options.dry_run());
  if (!import.ok()) return ToGrpcStatus(import.status());
  for (; have; have = reader->Read(&msg)) {
    if (msg.has_options()) {
      // The malformed stream is the error the caller gets; a failure to
      // roll the rows back is the operator's to see.
      if (auto abandoned = (*import)->Finish(/*abandon=*/true); !abandoned.ok()) {
        spdlog::error("abandoning an import: {}", abandoned.status().ToString());
      }
      return Invalid("options", "must be the first message of the stream");
    }
    AddChunk(**import, *msg.mutable_chunk(), roster_, scope);
  }
  // Read() also returns false when the client cancels: never commit then.
  bool cancelled = ctx->IsCancelled();
  auto report = (*import)->Finish(/*abandon=*/cancelled);
  if (!report.ok()) return ToGrpcStatus(report.status());
  if (cancelled) return grpc::Status(grpc::StatusCode::CANCELLED, "import cancelled by client");
  spdlog::info("import: received={} created={} updated={} rejected={} committed={}",
               report->received, report->created, report->updated, report->rejected,
               report->committed);
  ToProto(*report, resp);
  return grpc::Status::OK;
}

}  // namespace muster::api

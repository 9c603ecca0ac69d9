#include "api/activation_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <grpcpp/alarm.h>

#include <charconv>
#include <mutex>
#include <optional>

#include "api/activation_convert.h"
#include "api/page_token.h"
#include "api/status_map.h"
#include "auth/tokens.h"
#include "core/civil_time.h"
#include "core/clock.h"

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

// Whose WatchActivation slots a call counts against: its bearer token
// (hashed), or its peer's host without one.
std::string WatchCaller(const grpc::ServerContextBase& ctx) {
  auto it = ctx.client_metadata().find("authorization");
  if (it != ctx.client_metadata().end()) {
    return "token:" + Sha256Hex(std::string_view(it->second.data(), it->second.size()));
  }
  std::string peer = ctx.peer();  // "ipv4:127.0.0.1:5555", "ipv6:[::1]:5555"
  return "peer:" + peer.substr(0, peer.rfind(':'));
}

// The SNAPSHOT event a watch starts with (and resynchronises with).
grpc::Status SnapshotEvent(ActivationManager& manager, int64_t id, v1::ActivationEvent* e) {
  auto a = manager.Get(id);
  if (!a.ok()) return ToGrpcStatus(a.status());
  e->Clear();
  e->set_kind(v1::SNAPSHOT);
  SetTimestampMs(SystemClock::Instance().NowMs(), e->mutable_at());
  e->set_activation_id(a->id);
  e->set_state(static_cast<v1::ActivationState>(static_cast<int>(a->state)));
  for (const auto& r : a->requirements) ToProto(r, e->add_requirements());
  ToProto(*a, e->mutable_snapshot());
  return grpc::Status::OK;
}

// A watch refused before it started: finishes at once with status.
class FinishedWatch final : public grpc::ServerWriteReactor<v1::ActivationEvent> {
 public:
  explicit FinishedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

// An open watch. It holds no thread: the event hub's callback (on the
// publishing thread) starts the next write when none is in flight, and each
// write's completion starts the next one. At most one write is in flight;
// events arriving meanwhile wait in the subscription (a watcher too slow for
// its buffer gets a fresh snapshot instead). The snapshot reads the
// database, so it is never taken on the publisher's thread: an alarm runs it
// on a gRPC thread. Deletes itself when gRPC is done with the call.
class WatchReactor final : public grpc::ServerWriteReactor<v1::ActivationEvent> {
 public:
  WatchReactor(ActivationManager& manager, dispatch::EventHub& hub, int64_t id,
               WatchSlots::Slot slot, v1::ActivationEvent first)
      : manager_(manager), hub_(hub), id_(id), slot_(std::move(slot)), out_(std::move(first)) {
    // Subscribed before the snapshot is sent so nothing falls between them
    // (an event may repeat what the snapshot shows; that is harmless). The
    // snapshot counts as the write in flight until it completes. The hub
    // calls back with its lock held, so mu_ is taken only after Subscribe.
    writing_ = true;
    auto sub = hub_.Subscribe(id_, [this] {
      std::lock_guard l(mu_);
      Pump();
    });
    std::lock_guard lock(mu_);
    sub_ = std::move(sub);
    StartWrite(&out_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) end_ = grpc::Status(grpc::StatusCode::CANCELLED, "watcher went away");
    Pump();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    end_ = grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
    Pump();
  }

  void OnDone() override {
    // After Unsubscribe the hub no longer calls into this reactor.
    hub_.Unsubscribe(id_, sub_);
    delete this;
  }

 private:
  // Starts the next write, or finishes, unless a write is in flight. With mu_.
  void Pump() {
    if (finished_ || writing_) return;
    if (end_) {
      finished_ = true;
      Finish(*end_);
      return;
    }
    dispatch::DispatchEvent e;
    switch (sub_->Next(e, std::chrono::milliseconds(0))) {
      case dispatch::EventHub::Subscription::Poll::kEvent:
        out_.Clear();
        ToProto(e, &out_);
        writing_ = true;
        StartWrite(&out_);
        break;
      case dispatch::EventHub::Subscription::Poll::kResync:
        writing_ = true;
        resync_.Set(gpr_now(GPR_CLOCK_MONOTONIC), [this](bool) { Resync(); });
        break;
      case dispatch::EventHub::Subscription::Poll::kEnded:
        finished_ = true;
        Finish(grpc::Status::OK);
        break;
      case dispatch::EventHub::Subscription::Poll::kTimeout:
        break;
    }
  }

  // On a gRPC thread, without mu_ (writing_ keeps others from writing).
  void Resync() {
    v1::ActivationEvent e;
    grpc::Status st = SnapshotEvent(manager_, id_, &e);
    std::lock_guard lock(mu_);
    if (!st.ok() || end_) {
      writing_ = false;
      if (!end_) end_ = st;
      Pump();
      return;
    }
    out_ = std::move(e);
    StartWrite(&out_);
  }

  ActivationManager& manager_;
  dispatch::EventHub& hub_;
  const int64_t id_;
  WatchSlots::Slot slot_;
  std::mutex mu_;
  std::shared_ptr<dispatch::EventHub::Subscription> sub_;
  v1::ActivationEvent out_;  // the message being written
  bool writing_ = false;     // a write (or a resync) is in flight
  bool finished_ = false;    // Finish was called
  std::optional<grpc::Status> end_;
  grpc::Alarm resync_;
};

// Above this many call-outs CreateActivation leaves the candidates out.
constexpr size_t kMaxCandidatesInCreateResponse = 10000;

}  // namespace

grpc::Status ActivationServiceImpl::CheckAccess(grpc::ServerContextBase* ctx, int64_t id) const {
  const AreaScope scope = ScopeOf(ctx);
  if (scope.all()) return grpc::Status::OK;
  // The activation's areas and its creator's: a mutual-aid planner that
  // asked only other areas keeps its own activation.
  auto reach = manager_.ReachOf(id);
  if (!reach.ok()) return ToGrpcStatus(reach.status());
  if (!MayManage(scope, *reach)) {
    // Outside the caller's areas reads as absent.
    return ToGrpcStatus(Status::NotFound(fmt::format("activation {} not found", id)));
  }
  return grpc::Status::OK;
}

Result<ActivationSpec> ActivationServiceImpl::ScopedSpec(const AreaScope& scope, bool has_spec,
                                                         const v1::ActivationSpec& spec) const {
  auto s = SpecFrom(has_spec, spec);
  if (!s.ok()) return s;
  auto areas = scope.ActivationAreas(std::move(s->areas));
  if (!areas.ok()) return areas.status().WithFieldPrefix("spec");
  s->areas = std::move(areas).value();
  return s;
}

grpc::Status ActivationServiceImpl::CreateActivation(grpc::ServerContext* ctx,
                                                     const v1::CreateActivationRequest* req,
                                                     v1::CreateActivationResponse* resp) {
  const AreaScope scope = ScopeOf(ctx);
  auto spec = ScopedSpec(scope, req->has_spec(), req->spec());
  if (!spec.ok()) return ToGrpcStatus(spec.status());
  auto outcome = manager_.Create(std::move(spec).value(), req->idempotency_key(), scope.areas());
  // Keys are one namespace for every area: a scoped caller that hits another
  // area's key learns neither that activation nor its id.
  const bool foreign_key =
      outcome.ok() ? !outcome->created && !MayManage(scope, ReachOf(outcome->activation))
                   : !scope.all() && outcome.status().code() == Code::kAlreadyExists;
  if (foreign_key) {
    return ToGrpcStatus(Status::AlreadyExists(
        "idempotency_key", fmt::format("idempotency key '{}' was used for a different activation",
                                       req->idempotency_key())));
  }
  if (!outcome.ok()) return SpecError(outcome.status());
  const Activation& a = outcome->activation;
  if (outcome->created) {
    spdlog::info("activation {} created: '{}' ({} asked)", a.id, a.spec.title, a.callouts.size());
  }
  // Also on an idempotent repeat: a no-op when it is already being sent.
  if (dispatcher_) {
    if (auto st = dispatcher_->Kick(a.id); !st.ok()) {
      // Stored, so the dispatcher resumes it at the latest on restart.
      spdlog::error("activation {}: dispatch did not start: {}", a.id, st.ToString());
    }
  }
  // A huge selection is not echoed back (it would be tens of MB).
  bool omit = a.callouts.size() > kMaxCandidatesInCreateResponse;
  ToProto(a, resp->mutable_activation(), /*with_candidates=*/!omit);
  resp->set_created(outcome->created);
  resp->set_candidates_omitted(omit);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::PreviewActivation(grpc::ServerContext* ctx,
                                                      const v1::PreviewActivationRequest* req,
                                                      v1::PreviewActivationResponse* resp) {
  const AreaScope scope = ScopeOf(ctx);
  auto spec = ScopedSpec(scope, req->has_spec(), req->spec());
  if (!spec.ok()) return ToGrpcStatus(spec.status());
  auto a = manager_.Preview(std::move(spec).value(), scope);
  if (!a.ok()) return SpecError(a.status());
  ToProto(*a, resp->mutable_activation());
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::GetActivation(grpc::ServerContext* ctx,
                                                  const v1::GetActivationRequest* req,
                                                  v1::Activation* resp) {
  if (auto st = CheckAccess(ctx, req->id()); !st.ok()) return st;
  auto a = manager_.Get(req->id());
  if (!a.ok()) return ToGrpcStatus(a.status());
  ToProto(*a, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::ListActivations(grpc::ServerContext* ctx,
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
  // A scoped caller's page is filled from as many store pages as it takes.
  const AreaScope scope = ScopeOf(ctx);
  std::vector<Activation> page;
  bool more = false;
  for (int64_t from = *before;;) {
    auto list = manager_.List(*state, from, size + 1);
    if (!list.ok()) return ToGrpcStatus(list.status());
    const bool exhausted = static_cast<int>(list->size()) <= size;
    for (auto& a : *list) {
      if (!MayManage(scope, ReachOf(a))) continue;
      if (static_cast<int>(page.size()) == size) {
        more = true;
        break;
      }
      page.push_back(std::move(a));
    }
    if (more || exhausted || list->empty()) break;
    from = list->back().id;
  }
  for (const auto& a : page) ToProto(a, resp->add_activations(), /*with_candidates=*/false);
  if (more) resp->set_next_page_token(std::to_string(page.back().id));
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::End(int64_t id, const std::string& reason, ActivationState to,
                                        v1::Activation* resp) {
  if (reason.size() > kMaxTitleLength) {
    return ToGrpcStatus(Status::InvalidArgument(
        "reason",
        fmt::format("is {} bytes long; at most {} allowed", reason.size(), kMaxTitleLength)));
  }
  auto a = dispatcher_->End(id, to, reason);
  if (!a.ok()) return ToGrpcStatus(a.status());
  spdlog::info("activation {} {}", a->id, ActivationStateName(to));
  ToProto(*a, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::StandDownActivation(grpc::ServerContext* ctx,
                                                        const v1::StandDownRequest* req,
                                                        v1::Activation* resp) {
  if (!dispatcher_) {
    return ToGrpcStatus(Status::FailedPrecondition("dispatch is not running"));
  }
  if (auto st = CheckAccess(ctx, req->id()); !st.ok()) return st;
  return End(req->id(), req->reason(), ActivationState::kStoodDown, resp);
}

grpc::Status ActivationServiceImpl::RecordAnswer(grpc::ServerContext* ctx,
                                                 const v1::RecordAnswerRequest* req,
                                                 v1::RecordAnswerResponse* resp) {
  if (!dispatcher_) {
    return ToGrpcStatus(Status::FailedPrecondition("dispatch is not running"));
  }
  dispatch::AnswerRequest a;
  if (req->answer() == v1::ACCEPT) {
    a.answer = dispatch::AnswerKind::kAccept;
  } else if (req->answer() == v1::DECLINE) {
    a.answer = dispatch::AnswerKind::kDecline;
  } else {
    return ToGrpcStatus(Status::InvalidArgument("answer", "must be ACCEPT or DECLINE"));
  }
  if (!req->token().empty()) {
    a.token = req->token();
  } else if (req->activation_id() > 0 && req->reservist_id() > 0) {
    // (An answer token is itself the capability, as on the HTTP endpoint.)
    if (auto st = CheckAccess(ctx, req->activation_id()); !st.ok()) return st;
    a.activation_id = req->activation_id();
    a.reservist_id = req->reservist_id();
  } else {
    return ToGrpcStatus(Status::InvalidArgument(
        "token", "give the answer token, or both activation_id and reservist_id"));
  }
  a.via = "grpc";
  auto r = dispatcher_->Answer(a);
  if (!r.ok()) return ToGrpcStatus(r.status());
  switch (r->outcome) {
    case dispatch::AnswerOutcome::kRecorded:
      resp->set_outcome(v1::RECORDED);
      break;
    case dispatch::AnswerOutcome::kAlreadyAnswered:
      resp->set_outcome(v1::ALREADY_ANSWERED);
      break;
    case dispatch::AnswerOutcome::kNoLongerNeeded:
      resp->set_outcome(v1::NO_LONGER_NEEDED);
      break;
  }
  ToProto(r->callout, resp->mutable_callout());
  resp->set_message(r->message);
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<v1::ActivationEvent>* ActivationServiceImpl::WatchActivation(
    grpc::CallbackServerContext* ctx, const v1::WatchActivationRequest* req) {
  if (!dispatcher_) {
    return new FinishedWatch(ToGrpcStatus(Status::FailedPrecondition("dispatch is not running")));
  }
  // The caller's area scope applies as to GetActivation: outside it the
  // activation reads as absent.
  if (auto st = CheckAccess(ctx, req->id()); !st.ok()) return new FinishedWatch(st);
  // Bounded per caller (by token, or by peer host without one) and overall.
  std::string why;
  auto slot = watch_slots_.Acquire(WatchCaller(*ctx), why);
  if (!slot) return new FinishedWatch(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, why));
  v1::ActivationEvent first;
  if (auto st = SnapshotEvent(manager_, req->id(), &first); !st.ok()) {
    return new FinishedWatch(st);
  }
  return new WatchReactor(manager_, dispatcher_->events(), req->id(), std::move(*slot),
                          std::move(first));
}

grpc::Status ActivationServiceImpl::CancelActivation(grpc::ServerContext* ctx,
                                                     const v1::CancelActivationRequest* req,
                                                     v1::Activation* resp) {
  if (auto st = CheckAccess(ctx, req->id()); !st.ok()) return st;
  if (dispatcher_) return End(req->id(), req->reason(), ActivationState::kCancelled, resp);
  auto a = manager_.Cancel(req->id(), req->reason());
  if (!a.ok()) return ToGrpcStatus(a.status());
  spdlog::info("activation {} cancelled", a->id);
  ToProto(*a, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::Explain(grpc::ServerContext* ctx, const v1::ExplainRequest* req,
                                            v1::ExplainResponse* resp) {
  if (auto st = CheckAccess(ctx, req->activation_id()); !st.ok()) return st;
  auto e = manager_.Explain(req->activation_id(), req->reservist_id(), ScopeOf(ctx));
  if (!e.ok()) return ToGrpcStatus(e.status());
  ToProto(*e, resp);
  return grpc::Status::OK;
}

grpc::Status ActivationServiceImpl::GetReadiness(grpc::ServerContext* ctx,
                                                 const v1::GetReadinessRequest* req,
                                                 v1::GetReadinessResponse* resp) {
  constexpr int kMaxReadinessMinutes = 31 * 24 * 60;
  const int minutes = req->duration_minutes() == 0 ? 60 : req->duration_minutes();
  if (minutes < 1 || minutes > kMaxReadinessMinutes) {
    return ToGrpcStatus(Status::InvalidArgument(
        "duration_minutes",
        fmt::format("{} is out of range [1, {}]", req->duration_minutes(), kMaxReadinessMinutes)));
  }
  ReadinessQuery q;
  q.start_unix = req->has_start() ? req->start().seconds() : 0;
  q.end_unix = q.start_unix + int64_t{minutes} * 60;
  q.min_level = req->min_level() == 0 ? 1 : req->min_level();
  q.skills.assign(req->skills().begin(), req->skills().end());
  // The areas an activation by this caller could draw from: its own by
  // default, others only with mutual aid (aggregates, but still theirs).
  const AreaScope scope = ScopeOf(ctx);
  auto areas = scope.ActivationAreas({req->areas().begin(), req->areas().end()});
  if (!areas.ok()) return ToGrpcStatus(areas.status());
  q.areas = std::move(areas).value();
  auto m = manager_.Readiness(std::move(q), !req->has_start());
  if (!m.ok()) {
    Status st = m.status();
    // The window's end is start + duration: name the start when it is the
    // start that lies beyond the accepted range.
    if (st.field() == "end") {
      st = req->has_start() && CheckAcceptedInstant("start", req->start().seconds() +
                                                                 int64_t{kMaxReadinessMinutes} * 60)
                                   .ok()
               ? Status::InvalidArgument("duration_minutes", st.message())
               : Status::InvalidArgument("start", "is too late: the window would end after 9999");
    }
    return ToGrpcStatus(st);
  }
  for (ReadinessCell c : m->cells) {
    v1::ReadinessCell* out = resp->add_cells();
    // Another area's row (mutual aid): small counts could follow one
    // person through a sweep of windows and levels.
    if (!scope.Covers(c.area)) {
      constexpr int64_t kMinShown = 5;
      int64_t* counts[] = {&c.holders, &c.available, &c.expiring_30, &c.expiring_90, &c.lapsed};
      const bool few = c.holders + c.lapsed < kMinShown;
      for (int64_t* n : counts) {
        if (few || *n < kMinShown) {
          out->set_suppressed(out->suppressed() || *n != 0 || few);
          *n = 0;
        }
      }
    }
    out->set_area(c.area);
    out->set_skill(c.skill);
    out->set_holders(c.holders);
    out->set_available(c.available);
    out->set_expiring_30_days(c.expiring_30);
    out->set_expiring_90_days(c.expiring_90);
    out->set_lapsed(c.lapsed);
  }
  int64_t scanned = 0;
  for (const auto& [area, n] : m->reservists_by_area) scanned += scope.Covers(area) ? n : 0;
  resp->set_reservists_scanned(scanned);
  resp->mutable_start()->set_seconds(m->start_unix);
  resp->mutable_end()->set_seconds(m->end_unix);
  resp->set_today(FormatDate(m->today));
  return grpc::Status::OK;
}

}  // namespace muster::api

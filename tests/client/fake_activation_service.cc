#include "client/fake_activation_service.h"

#include <fmt/format.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <thread>

namespace muster::client::testing {
namespace {

v1::RequirementStatus Need(const std::string& skill, int min_level, int count, int asked,
                           int delivered, int accepted, int pending) {
  v1::RequirementStatus r;
  r.mutable_requirement()->set_skill(skill);
  r.mutable_requirement()->set_min_level(min_level);
  r.mutable_requirement()->set_count(count);
  r.set_eligible(10);
  r.set_asked(asked);
  r.set_delivered(delivered);
  r.set_accepted(accepted);
  r.set_pending(pending);
  return r;
}

v1::Candidate Asked(int64_t id, const std::string& name, int requirement, v1::CalloutState state,
                    const std::string& channel) {
  v1::Candidate c;
  c.set_reservist_id(id);
  c.set_name(name);
  c.set_requirement_index(requirement);
  c.set_state(state);
  c.set_channel(channel);
  c.set_wave(1);
  return c;
}

v1::ActivationEvent Event(v1::EventKind kind, int64_t at, v1::ActivationState state,
                          std::vector<v1::RequirementStatus> requirements) {
  v1::ActivationEvent e;
  e.set_kind(kind);
  e.mutable_at()->set_seconds(kSampleStart + at);
  e.set_activation_id(7);
  e.set_state(state);
  for (auto& r : requirements) *e.add_requirements() = std::move(r);
  return e;
}

// Waits until `done` or the call is cancelled; true if cancelled.
template <typename Done>
bool WaitUnlessCancelled(grpc::ServerContext* context, Done done) {
  while (!context->IsCancelled()) {
    if (done()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

v1::Activation SampleActivation() {
  v1::Activation a;
  a.set_id(7);
  a.set_state(v1::OPEN);
  a.mutable_created_at()->set_seconds(kSampleStart);
  v1::ActivationSpec* spec = a.mutable_spec();
  spec->set_title("Tewkesbury flooding");
  spec->set_lat(51.99);
  spec->set_lon(-2.16);
  spec->set_radius_km(30);
  spec->mutable_start()->set_seconds(kSampleStart);
  spec->set_duration_minutes(720);
  *a.add_requirements() = Need("first_aid", 2, 3, 2, 1, 0, 2);
  *a.add_requirements() = Need("driver_4x4", 1, 1, 1, 0, 0, 1);
  for (const auto& r : a.requirements()) *spec->add_requirements() = r.requirement();
  *a.add_candidates() = Asked(42, "Jo Bloggs", 0, v1::CALLOUT_SENT, "sms");
  *a.add_candidates() = Asked(43, "Sam Smith", 0, v1::CALLOUT_DELIVERED, "email");
  *a.add_candidates() = Asked(44, "Ali Khan", 1, v1::CALLOUT_QUEUED, "");
  v1::StateChange* opened = a.add_history();
  opened->set_state(v1::OPEN);
  opened->mutable_at()->set_seconds(kSampleStart);
  return a;
}

std::vector<v1::ActivationEvent> SampleScript() {
  std::vector<v1::ActivationEvent> script;
  v1::Activation a = SampleActivation();
  v1::ActivationEvent snapshot = Event(v1::SNAPSHOT, 0, v1::OPEN, {});
  *snapshot.mutable_requirements() = a.requirements();
  *snapshot.mutable_snapshot() = a;
  script.push_back(snapshot);

  v1::ActivationEvent accepted =
      Event(v1::CALLOUT, 13, v1::OPEN,
            {Need("first_aid", 2, 3, 2, 2, 1, 1), Need("driver_4x4", 1, 1, 1, 0, 0, 1)});
  *accepted.mutable_callout() = a.candidates(0);
  accepted.mutable_callout()->set_state(v1::CALLOUT_ACCEPTED);
  script.push_back(accepted);

  v1::ActivationEvent wave =
      Event(v1::WAVE, 133, v1::OPEN,
            {Need("first_aid", 2, 3, 5, 2, 1, 4), Need("driver_4x4", 1, 1, 1, 0, 0, 1)});
  wave.set_wave(2);
  wave.set_detail("wave 2: asking 3 more for first_aid");
  script.push_back(wave);

  v1::ActivationEvent over =
      Event(v1::STATE, 300, v1::STOOD_DOWN,
            {Need("first_aid", 2, 3, 5, 2, 1, 0), Need("driver_4x4", 1, 1, 1, 0, 0, 0)});
  over.set_detail("stood down: flood receded");
  script.push_back(over);
  return script;
}

FakeActivationService::FakeActivationService() : script_(SampleScript()) {
  activations_[7] = SampleActivation();
  tokens_["tok-42"] = {7, 42};
  tokens_["tok-43"] = {7, 43};
}

void FakeActivationService::SetScript(std::vector<v1::ActivationEvent> events, grpc::Status end,
                                      bool hold_open) {
  std::lock_guard<std::mutex> lock(mu_);
  script_ = std::move(events);
  script_end_ = std::move(end);
  hold_open_ = hold_open;
}

v1::RecordAnswerRequest FakeActivationService::last_answer() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_answer_;
}

v1::StandDownRequest FakeActivationService::last_stand_down() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_stand_down_;
}

v1::Activation FakeActivationService::activation(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = activations_.find(id);
  return it == activations_.end() ? v1::Activation() : it->second;
}

void FakeActivationService::Put(v1::Activation activation) {
  std::lock_guard<std::mutex> lock(mu_);
  activations_[activation.id()] = std::move(activation);
}

grpc::Status FakeActivationService::GetActivation(grpc::ServerContext*,
                                                  const v1::GetActivationRequest* request,
                                                  v1::Activation* response) {
  std::lock_guard<std::mutex> lock(mu_);
  ++get_calls;
  auto it = activations_.find(request->id());
  if (it == activations_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        fmt::format("activation {} not found", request->id()));
  }
  *response = it->second;
  return grpc::Status::OK;
}

grpc::Status FakeActivationService::ListActivations(grpc::ServerContext* context,
                                                    const v1::ListActivationsRequest*,
                                                    v1::ListActivationsResponse* response) {
  if (hang_list) {
    WaitUnlessCancelled(context, [] { return false; });
    return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = activations_.rbegin(); it != activations_.rend(); ++it) {
    v1::Activation* a = response->add_activations();
    *a = it->second;
    a->clear_candidates();
  }
  ++list_calls;
  return grpc::Status::OK;
}

grpc::Status FakeActivationService::StandDownActivation(grpc::ServerContext*,
                                                        const v1::StandDownRequest* request,
                                                        v1::Activation* response) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stand_down_calls;
  last_stand_down_ = *request;
  auto it = activations_.find(request->id());
  if (it == activations_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        fmt::format("activation {} not found", request->id()));
  }
  v1::Activation& a = it->second;
  if (a.state() != v1::OPEN && a.state() != v1::FILLED) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        fmt::format("activation {} has already ended", a.id()));
  }
  a.set_state(v1::STOOD_DOWN);
  for (auto& c : *a.mutable_candidates()) {
    if (c.state() != v1::CALLOUT_DECLINED) c.set_state(v1::CALLOUT_STOOD_DOWN);
  }
  for (auto& r : *a.mutable_requirements()) r.set_pending(0);
  v1::StateChange* change = a.add_history();
  change->set_state(v1::STOOD_DOWN);
  change->mutable_at()->set_seconds(kSampleStart + 3600);
  change->set_reason(request->reason());
  *response = a;
  return grpc::Status::OK;
}

grpc::Status FakeActivationService::RecordAnswer(grpc::ServerContext*,
                                                 const v1::RecordAnswerRequest* request,
                                                 v1::RecordAnswerResponse* response) {
  std::lock_guard<std::mutex> lock(mu_);
  ++answer_calls;
  last_answer_ = *request;
  int64_t activation_id = request->activation_id();
  int64_t reservist_id = request->reservist_id();
  if (!request->token().empty()) {
    auto token = tokens_.find(request->token());
    if (token == tokens_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown token");
    std::tie(activation_id, reservist_id) = token->second;
  }
  if (request->answer() == v1::ANSWER_UNSPECIFIED) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "answer: must be ACCEPT or DECLINE");
  }
  auto it = activations_.find(activation_id);
  if (it == activations_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        fmt::format("activation {} not found", activation_id));
  }
  v1::Activation& a = it->second;
  v1::Candidate* callout = nullptr;
  for (auto& c : *a.mutable_candidates()) {
    if (c.reservist_id() == reservist_id) callout = &c;
  }
  if (callout == nullptr) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        fmt::format("reservist {} was not asked on activation {}", reservist_id, activation_id));
  }
  v1::CalloutState target =
      request->answer() == v1::ACCEPT ? v1::CALLOUT_ACCEPTED : v1::CALLOUT_DECLINED;
  if (a.state() != v1::OPEN) {
    response->set_outcome(v1::NO_LONGER_NEEDED);
    response->set_message(fmt::format("Thank you, but {} no longer needs you", a.spec().title()));
  } else if (callout->state() == target) {
    response->set_outcome(v1::ALREADY_ANSWERED);
    response->set_message("We already have your answer");
  } else {
    callout->set_state(target);
    v1::RequirementStatus& r = *a.mutable_requirements(callout->requirement_index());
    if (target == v1::CALLOUT_ACCEPTED) {
      r.set_accepted(r.accepted() + 1);
    } else {
      r.set_declined(r.declined() + 1);
    }
    r.set_pending(r.pending() - 1);
    response->set_outcome(v1::RECORDED);
    response->set_message(target == v1::CALLOUT_ACCEPTED
                              ? fmt::format("Thank you: you are confirmed for {}", a.spec().title())
                              : "Thank you for letting us know");
  }
  *response->mutable_callout() = *callout;
  return grpc::Status::OK;
}

grpc::Status FakeActivationService::WatchActivation(
    grpc::ServerContext* context, const v1::WatchActivationRequest* request,
    grpc::ServerWriter<v1::ActivationEvent>* writer) {
  ++watch_calls;
  std::vector<v1::ActivationEvent> script;
  grpc::Status end;
  bool hold_open = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (activations_.count(request->id()) == 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          fmt::format("activation {} not found", request->id()));
    }
    script = script_;
    end = script_end_;
    hold_open = hold_open_;
  }
  for (const v1::ActivationEvent& event : script) {
    if (!writer->Write(event)) return grpc::Status(grpc::StatusCode::CANCELLED, "write failed");
    ++events_sent;
  }
  if (!hold_open) return end;
  bool cancelled = WaitUnlessCancelled(
      context, [this] { return release_after_lists > 0 && list_calls >= release_after_lists; });
  if (!cancelled) return grpc::Status::OK;
  ++watch_cancelled;
  return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
}

FakeActivationServer::FakeActivationServer(bool tcp) {
  grpc::ServerBuilder builder;
  builder.RegisterService(&service_);
  int port = 0;
  if (tcp) builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  server_ = builder.BuildAndStart();
  channel_ = tcp ? grpc::CreateChannel(fmt::format("127.0.0.1:{}", port),
                                       grpc::InsecureChannelCredentials())
                 : server_->InProcessChannel(grpc::ChannelArguments());
}

FakeActivationServer::~FakeActivationServer() {
  Shutdown();
}

void FakeActivationServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // A deadline of now cancels calls still in flight (a held-open watch).
  server_->Shutdown(std::chrono::system_clock::now());
}

}  // namespace muster::client::testing

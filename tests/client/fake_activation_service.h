// An in-memory ActivationService for musterctl's dispatch tests (watch,
// answer, stand-down), served in-process like FakeRosterService. It holds one
// sample activation (SampleActivation) and replays a scripted event sequence
// on WatchActivation; knobs make it fail the ways the client must handle.
// Only the dispatch RPCs, GetActivation and ListActivations are implemented;
// the others answer UNIMPLEMENTED.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "muster/v1/activation.grpc.pb.h"

namespace muster::client::testing {

namespace v1 = ::muster::v1;

// 2026-11-25T10:00:00Z: when the sample activation was created.
constexpr int64_t kSampleStart = 1'795'600'800;

// Activation 7 "Tewkesbury flooding", OPEN, created at kSampleStart, needing
// first_aid (level 2+) x3 and driver_4x4 x1. Asked so far: 42 Jo Bloggs
// (first_aid, SENT via sms, answer token "tok-42"), 43 Sam Smith (first_aid,
// DELIVERED via email), 44 Ali Khan (driver_4x4, QUEUED).
v1::Activation SampleActivation();

// A watch of the sample activation: SNAPSHOT at +0 s, Jo Bloggs ACCEPTED via
// sms at +13 s, "wave 2: asking 3 more for first_aid" at +133 s, and STATE
// STOOD_DOWN "stood down: flood receded" at +300 s, each with the counts
// after it.
std::vector<v1::ActivationEvent> SampleScript();

// Thread-safe (one mutex around the data; knobs and counters are atomics).
class FakeActivationService final : public v1::ActivationService::Service {
 public:
  FakeActivationService();

  grpc::Status GetActivation(grpc::ServerContext* context, const v1::GetActivationRequest* request,
                             v1::Activation* response) override;
  // Lists the activations newest first (no candidates, no paging): what
  // `watch` asks to check that a silent server is still there.
  grpc::Status ListActivations(grpc::ServerContext* context,
                               const v1::ListActivationsRequest* request,
                               v1::ListActivationsResponse* response) override;
  grpc::Status StandDownActivation(grpc::ServerContext*, const v1::StandDownRequest* request,
                                   v1::Activation* response) override;
  grpc::Status RecordAnswer(grpc::ServerContext*, const v1::RecordAnswerRequest* request,
                            v1::RecordAnswerResponse* response) override;
  grpc::Status WatchActivation(grpc::ServerContext* context,
                               const v1::WatchActivationRequest* request,
                               grpc::ServerWriter<v1::ActivationEvent>* writer) override;

  // WatchActivation sends `events`, then ends with `end` (OK: the activation
  // is over), or with hold_open keeps the stream open, silent, until the
  // client cancels it or release_after_lists is reached. Default: SampleScript,
  // OK, not held open.
  void SetScript(std::vector<v1::ActivationEvent> events, grpc::Status end = grpc::Status::OK,
                 bool hold_open = false);
  // > 0: a held-open watch ends OK once ListActivations has answered this
  // many times (a healthy server answering the client's liveness checks).
  std::atomic<int> release_after_lists{0};
  // ListActivations never answers (waits until cancelled): a server that
  // went silent.
  std::atomic<bool> hang_list{false};

  // Observations.
  std::atomic<int> watch_calls{0};
  std::atomic<int> watch_cancelled{0};  // held-open watches the client cancelled
  std::atomic<int> events_sent{0};
  std::atomic<int> get_calls{0};
  std::atomic<int> list_calls{0};  // answered ones
  std::atomic<int> stand_down_calls{0};
  std::atomic<int> answer_calls{0};
  v1::RecordAnswerRequest last_answer();
  v1::StandDownRequest last_stand_down();
  v1::Activation activation(int64_t id);
  // Adds or replaces an activation (by its id), e.g. one with failed call-outs.
  void Put(v1::Activation activation);

 private:
  std::mutex mu_;
  std::map<int64_t, v1::Activation> activations_;
  std::map<std::string, std::pair<int64_t, int64_t>> tokens_;  // token -> activation, reservist
  std::vector<v1::ActivationEvent> script_;
  grpc::Status script_end_;
  bool hold_open_ = false;
  v1::RecordAnswerRequest last_answer_;
  v1::StandDownRequest last_stand_down_;
};

// Serves a FakeActivationService in-process, or on 127.0.0.1 (an ephemeral
// port) with tcp = true, for tests that need a real connection to lose.
class FakeActivationServer {
 public:
  explicit FakeActivationServer(bool tcp = false);
  ~FakeActivationServer();
  FakeActivationService& service() { return service_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  // Shuts the server down now, cancelling calls in flight (idempotent).
  void Shutdown();

 private:
  FakeActivationService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  bool shut_down_ = false;
};

}  // namespace muster::client::testing

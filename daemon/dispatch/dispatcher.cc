#include "dispatch/dispatcher.h"

#include <pthread.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <queue>
#include <random>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "dispatch/backend_gate.h"
#include "dispatch/compose.h"
#include "dispatch/delivery_queue.h"
#include "dispatch/live_set.h"
#include "dispatch/message_text.h"
#include "dispatch/outbox_writer.h"
#include "dispatch/person_cap.h"
#include "dispatch/route.h"
#include "dispatch/wave_rules.h"
#include "metrics/metrics.h"

namespace muster::dispatch {
namespace {

const char* ChannelName(int kind) {
  switch (kind) {
    case 1:
      return "sms";
    case 2:
      return "email";
    case 3:
      return "webhook";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------
// Everything below runs on the dispatcher thread only.
struct Dispatcher::Impl {
  using Live = LiveActivation;

  struct BackendRt {
    BackendRt(Backend backend, BackendGate::UnitRandom random)
        : b(std::move(backend)), gate(b.limits, std::move(random)) {}
    Backend b;
    BackendGate gate;  // concurrency, rate limit, circuit breaker, backoff
    // muster_notifier_sends_total{backend, outcome}: delivered, sent, retry, permanent.
    metrics::Counter* outcomes[4] = {};
    metrics::Gauge* resting = nullptr;  // muster_notifier_resting{backend}: breaker open
  };

  Dispatcher& owner;
  ActivationManager& manager;
  ActivationStore& activations;
  const Clock& clock;
  DispatcherOptions options;
  std::unique_ptr<DispatchStore> store;
  boost::asio::io_context& io;
  boost::asio::steady_timer wake_timer;
  boost::asio::steady_timer flush_timer;
  boost::asio::steady_timer sweep_timer;
  std::map<std::string, BackendRt> backends;
  DeliveryQueue jobs;                            // the messages in hand and when each is due
  LiveSet live;                                  // the activations worked on, with their call-outs
  PersonCap cap{options.per_person_hourly_cap};  // call-out messages per person per hour
  bool flush_scheduled = false;
  int64_t wake_at_ms = 0;
  bool wake_now = false;  // the armed wake is for "now"
  std::mt19937_64 rng{std::random_device{}()};
  // A uniform random number in [0, 1), for the backoff's jitter.
  double Unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
  metrics::Counter* transitions[9] = {};  // muster_callout_transitions_total{state}
  metrics::CallbackRegistration depth_gauge, live_gauge;
  // The queue of changes to store and the thread that stores them.
  OutboxWriter writer{
      [this](const std::vector<CalloutUpdate>& callouts, const std::vector<OutboxUpdate>& outbox,
             const OutboxWriter::StandDowns& standdowns) {
        return store->Apply(callouts, outbox, standdowns, clock.NowMs());
      },
      [this] { boost::asio::post(io, [this] { ScheduleFlush(); }); }};

  void InitMetrics() {
    metrics::Registry& reg = metrics::DefaultRegistry();
    for (int s = 1; s <= 8; ++s) {
      transitions[s] = &reg.GetCounter("muster_callout_transitions_total",
                                       "Call-out state changes, by the state entered",
                                       {{"state", CalloutStateName(static_cast<CalloutState>(s))}});
    }
    static const char* kOutcomes[] = {"delivered", "sent", "retry", "permanent"};
    for (auto& [name, rt] : backends) {
      for (int i = 0; i < 4; ++i) {
        rt.outcomes[i] = &reg.GetCounter("muster_notifier_sends_total",
                                         "Delivery attempts by backend and outcome",
                                         {{"backend", name}, {"outcome", kOutcomes[i]}});
      }
      rt.resting =
          &reg.GetGauge("muster_notifier_resting", "1 while a backend's circuit breaker is open",
                        {{"backend", name}});
    }
    depth_gauge =
        reg.AddCallbackGauge("muster_dispatch_queue_depth", "Messages queued or in flight", {},
                             [this] { return static_cast<double>(owner.queue_depth_.load()); });
    live_gauge = reg.AddCallbackGauge(
        "muster_dispatch_live_activations", "Activations the dispatcher is working on", {},
        [this] { return static_cast<double>(owner.live_count_.load()); });
  }

  Impl(Dispatcher& o, ActivationManager& m, ActivationStore& as, const Clock& c,
       DispatcherOptions opts, std::unique_ptr<DispatchStore> s, boost::asio::io_context& i)
      : owner(o),
        manager(m),
        activations(as),
        clock(c),
        options(std::move(opts)),
        store(std::move(s)),
        io(i),
        wake_timer(i),
        flush_timer(i),
        sweep_timer(i) {}
  ~Impl() { writer.Stop(); }

  // ----------------------------------------------------------------- loading
  void AddLive(LiveActivationRow row) {
    live.Add(std::move(row));
    owner.live_count_ = live.size();
  }

  void AddCallout(Live& l, CalloutRow c) { live.AddCallout(l, std::move(c)); }

  std::pair<Live*, CalloutRow*> FindCallout(int64_t callout_id) {
    return live.FindCallout(callout_id);
  }
  std::pair<Live*, CalloutRow*> FindCallout(int64_t activation_id, int64_t callout_id) {
    return live.FindCallout(activation_id, callout_id);
  }

  Status LoadJobs(int64_t activation_id) {
    auto rows = Store().LoadPendingOutbox(activation_id);
    if (!rows.ok()) return rows.status();
    int64_t now = clock.NowMs();
    for (auto& r : *rows) {
      if (jobs.contains(r.id)) continue;
      auto c = FindCallout(r.callout_id);
      if (!c.first) continue;
      AddJob(*c.first, r, now);
    }
    owner.queue_depth_ = jobs.size();
    return {};
  }

  void AddJob(Live& l, OutboxRow& r, int64_t now) {
    Job j;
    j.outbox_id = r.id;
    j.callout_id = r.callout_id;
    j.activation_id = l.a.id;
    j.kind = r.kind;
    j.key = std::move(r.idempotency_key);
    j.attempts_total = r.attempts;
    if (j.kind == OutboxKind::kCallout) l.callout_job[j.callout_id] = j.outbox_id;
    ++l.jobs;
    jobs.Add(std::move(j), now);
    Wake(now);
  }

  // A new activation with the call-outs its create just stored (no reading
  // them back): header, requirements and waves from the store, call-outs and
  // their pending outbox rows from `stored`. The first chunk is taken in at
  // once; the rest in chunks posted behind the sends' completions, so the
  // first messages go out while later rows are taken in. Every other entry
  // point takes in the rest first (FinishLoading), so nothing ever sees a
  // partial activation except the counts in watch events.
  static constexpr size_t kFirstChunk = 256;
  static constexpr size_t kChunk = 4096;

  Status AddCreated(int64_t id, std::vector<StoredCallout> stored) {
    auto row = Store().LoadOne(id, /*with_callouts=*/false);
    if (!row.ok()) return row.status();
    if (row->activation.state != ActivationState::kOpen) {
      // Ended (e.g. cancelled) between its create and now: the hand-over is
      // stale (its outbox rows may be withdrawn). What the store says now
      // decides, as for any activation loaded from it.
      auto full = Store().LoadOne(id);
      if (!full.ok()) return full.status();
      AddLive(std::move(full).value());
      return LoadJobs(id);
    }
    AddLive(std::move(row).value());
    Live& l = live.at(id);
    l.callouts.reserve(stored.size());
    l.by_reservist.reserve(stored.size());
    l.callout_job.reserve(stored.size());
    live.ReserveTokens(stored.size());
    jobs.reserve(jobs.size() + stored.size());
    l.unloaded = std::move(stored);
    l.unloaded_at = 0;
    LoadChunk(l, kFirstChunk);
    return {};
  }

  void LoadChunk(Live& l, size_t n) {
    int64_t now = clock.NowMs();
    size_t end = std::min(l.unloaded.size(), l.unloaded_at + n);
    for (; l.unloaded_at < end; ++l.unloaded_at) {
      StoredCallout& s = l.unloaded[l.unloaded_at];
      CalloutRow c;
      c.id = s.id;
      c.activation_id = l.a.id;
      c.reservist_id = s.reservist_id;
      c.reservist_name = std::move(s.reservist_name);
      c.requirement = s.requirement;
      c.wave = s.wave;
      c.state = CalloutState::kQueued;
      c.idempotency_key = s.idempotency_key;
      c.answer_token = std::move(s.answer_token);
      c.channels = ParseChannelSnapshot(s.channels);
      c.distance_km = s.distance_km;
      c.updated_at_ms = l.a.created_at_ms;
      AddCallout(l, std::move(c));
      if (s.outbox_id != 0 && !jobs.contains(s.outbox_id)) {
        OutboxRow r{s.outbox_id, s.id, OutboxKind::kCallout, std::move(s.idempotency_key), 0};
        AddJob(l, r, now);
      }
    }
    owner.queue_depth_ = jobs.size();
    if (l.unloaded_at < l.unloaded.size()) {
      boost::asio::post(io, [this, id = l.a.id] {
        auto it = live.find(id);
        if (it == live.end() || it->second.unloaded.empty()) return;
        LoadChunk(it->second, kChunk);
        Pump();
      });
    } else {
      l.unloaded.clear();
      l.unloaded.shrink_to_fit();
      l.unloaded_at = 0;
    }
  }

  // Takes in every handed-over call-out not yet taken in.
  void FinishLoading() {
    for (auto& [id, l] : live) {
      if (!l.unloaded.empty()) LoadChunk(l, l.unloaded.size());
    }
  }

  // ----------------------------------------------------------------- events
  Callout ToCallout(const Live& l, const CalloutRow& c) const {
    Callout out;
    out.id = c.id;
    out.candidate.reservist_id = c.reservist_id;
    out.candidate.requirement_index = c.requirement;
    if (static_cast<size_t>(c.requirement) < l.a.requirements.size()) {
      out.candidate.skill = l.a.requirements[static_cast<size_t>(c.requirement)].requirement.skill;
    }
    out.reservist_name = c.reservist_name;
    out.wave = c.wave;
    out.idempotency_key = c.idempotency_key;
    out.state = c.state;
    out.channel_kind = c.channel_kind;
    out.backend = c.backend;
    out.last_error = c.last_error;
    out.updated_at_ms = c.updated_at_ms;
    return out;
  }

  std::vector<RequirementRecord> Counts(const Live& l) const {
    std::vector<RequirementRecord> out = l.a.requirements;
    for (auto& r : out) r.shortfall = ShortfallOf(r, l.exhausted);
    return out;
  }

  void Publish(Live& l, DispatchEvent::Kind kind, const CalloutRow* c, int wave,
               std::string detail) {
    if (kind == DispatchEvent::Kind::kState && options.on_state_change) {
      options.on_state_change(l.a.id, l.a.state, detail);
    }
    if (!owner.events_.HasSubscribers(l.a.id)) return;
    DispatchEvent e;
    e.kind = kind;
    e.activation_id = l.a.id;
    e.at_ms = clock.NowMs();
    e.state = l.a.state;
    e.requirements = Counts(l);
    if (c) e.callout = ToCallout(l, *c);
    e.wave = wave;
    e.detail = std::move(detail);
    owner.events_.Publish(e);
  }

  // Changes a call-out's state in memory (counts included), queues the
  // stored change and publishes it.
  void SetState(Live& l, CalloutRow& c, CalloutState to, CalloutUpdate u) {
    if (static_cast<size_t>(c.requirement) < l.a.requirements.size()) {
      RequirementRecord& r = l.a.requirements[static_cast<size_t>(c.requirement)];
      MoveCallout(r, c.state, to);
    }
    if (to != c.state && transitions[static_cast<int>(to)])
      transitions[static_cast<int>(to)]->Inc();
    c.state = to;
    if (u.channel_kind > 0) c.channel_kind = u.channel_kind;
    if (!u.backend.empty()) c.backend = u.backend;
    c.last_error = u.last_error;
    c.updated_at_ms = clock.NowMs();
    if (u.answered) c.answered = true;
    u.callout_id = c.id;
    u.activation_id = l.a.id;
    u.state = to;
    std::string detail = u.detail;
    writer.Add(std::move(u));
    ScheduleFlush();
    Publish(l, DispatchEvent::Kind::kCallout, &c, 0, std::move(detail));
  }

  // ----------------------------------------------------------------- storage
  void ScheduleFlush() {
    if (flush_scheduled) return;
    flush_scheduled = true;
    flush_timer.expires_after(std::chrono::milliseconds(options.flush_interval_ms));
    flush_timer.async_wait([this](const boost::system::error_code& ec) {
      flush_scheduled = false;
      if (!ec) FlushInBackground();
    });
  }

  // The store, once the writer is idle (it is then this thread's).
  DispatchStore& Store() {
    writer.Settle();
    return *store;
  }

  // The flush timer: hands the queued changes to the writer, or, while it is
  // still storing the last batch, keeps collecting (the next batch is then
  // bigger, which is cheaper per change).
  void FlushInBackground() {
    if (writer.HandOver() == OutboxWriter::HandOverResult::kWriterBusy) ScheduleFlush();
  }

  // Stores every queued change in one transaction, on this thread (after
  // the writer's batch). A failure is logged and retried: the changes stay
  // queued (the messages were sent either way).
  Status Flush(const OutboxWriter::StandDowns& standdowns = {},
               std::vector<int64_t>* standdown_ids = nullptr) {
    auto ids = writer.Flush(standdowns);
    if (!ids.ok()) {
      ScheduleFlush();
      return ids.status();
    }
    if (standdown_ids) *standdown_ids = std::move(ids).value();
    return {};
  }

  // ----------------------------------------------------------------- scheduling
  void Schedule(int64_t job_id, int64_t at_ms) {
    jobs.Schedule(job_id, at_ms);
    Wake(at_ms);
  }

  void Wake(int64_t at_ms) {
    // A wake armed for "now" runs Pump, which handles everything due and
    // re-arms for the rest: no need to re-arm (scheduling a whole selection
    // would otherwise cancel and re-arm the timer once per message).
    if (wake_at_ms != 0 && wake_now) return;
    int64_t now = clock.NowMs();
    if (wake_at_ms != 0 && wake_at_ms <= at_ms && wake_at_ms > now) return;
    wake_now = at_ms <= now;
    wake_at_ms = std::max(at_ms, now);
    wake_timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, at_ms - now)));
    wake_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      wake_at_ms = 0;
      wake_now = false;
      Pump();
    });
  }

  void Pump() {
    int64_t now = clock.NowMs();
    while (auto id = jobs.NextDue(now)) Route(jobs.at(*id), now);
    if (auto at = jobs.EarliestDue()) Wake(*at);
  }

  void FinishJob(Job& j, OutboxState state) {
    writer.Add(OutboxUpdate{j.outbox_id, state, j.attempts_total});
    ScheduleFlush();
    auto l = live.find(j.activation_id);
    if (l != live.end()) {
      if (l->second.jobs > 0) --l->second.jobs;
      auto cj = l->second.callout_job.find(j.callout_id);
      if (cj != l->second.callout_job.end() && cj->second == j.outbox_id) {
        l->second.callout_job.erase(cj);
      }
    }
    int64_t activation_id = j.activation_id;
    jobs.erase(j.outbox_id);  // j is gone from here on
    owner.queue_depth_ = jobs.size();
    if (l != live.end() && l->second.jobs == 0 && !l->second.drain_logged) {
      l->second.drain_logged = true;
      spdlog::info("dispatch: activation {}: every message handled; {} ms storing state so far",
                   activation_id, writer.store_ms_total());
    }
  }

  // Picks the backend for a job's next try and starts it, or parks it.
  void Route(Job& j, int64_t now) {
    auto [l, c] = FindCallout(j.activation_id, j.callout_id);
    if (!l || !c) {
      FinishJob(j, OutboxState::kWithdrawn);
      return;
    }
    if (j.kind == OutboxKind::kCallout && !IsAwaitingAnswer(c->state)) {
      FinishJob(j, OutboxState::kWithdrawn);  // answered or stood down meanwhile
      return;
    }
    if (j.kind == OutboxKind::kStandDown) {
      // Never overtake the call-out it cancels.
      auto cj = l->callout_job.find(j.callout_id);
      if (cj != l->callout_job.end()) {
        auto other = jobs.find(cj->second);
        if (other != jobs.end() && other->second.in_flight) {
          Schedule(j.outbox_id, now + 100);
          return;
        }
      }
    }
    if (j.kind == OutboxKind::kCallout && j.attempts_total == 0 &&
        !cap.Allows(c->reservist_id, now)) {
      GiveUp(j, *l, *c,
             fmt::format("per-person cap: {} call-out messages in the last hour",
                         options.per_person_hourly_cap));
      return;
    }
    Position usable = FindPosition(j, *c, now, Availability::kUsableNow);
    if (usable.rt) {
      StartOn(j, *l, *c, usable, now);
      return;
    }
    Position resting = FindPosition(j, *c, now, Availability::kResting);
    if (resting.rt && resting.rt->gate.ProbeInFlight()) {
      resting.rt->gate.Park(j.outbox_id);  // back when the probe has its answer
    } else if (resting.rt) {
      TryResting(j, *l, *c, *resting.rt, resting.channel, resting.backend, now);
    } else {
      GiveUp(j, *l, *c,
             c->channels.empty() ? "no contact channel"
                                 : fmt::format("every channel failed; last: {}", j.last_error));
    }
  }

  // A route position: the call-out's channel, the index of a backend in
  // that channel's route, and the backend (nullptr = none found).
  struct Position {
    size_t channel = 0;
    size_t backend = 0;
    BackendRt* rt = nullptr;
  };

  // The first position from the job's channel on with tries left whose
  // backend is `want` (see FindRoute).
  Position FindPosition(Job& j, const CalloutRow& c, int64_t now, Availability want) {
    auto gate_of = [this](const std::string& name) -> const BackendGate* {
      auto b = backends.find(name);
      return b == backends.end() ? nullptr : &b->second.gate;
    };
    auto p = FindRoute(j, c.channels, options.routes, gate_of, now, want);
    if (!p) return {};
    return {p->channel, p->backend, &backends.at(p->name)};
  }

  // Sends on a usable position, or waits for its concurrency or rate limit.
  void StartOn(Job& j, Live& l, CalloutRow& c, const Position& p, int64_t now) {
    BackendRt& rt = *p.rt;
    if (!rt.gate.HasRoom()) {
      rt.gate.Park(j.outbox_id);  // resumed when a send completes
      return;
    }
    if (!rt.gate.TakeToken(now)) {  // rate limit: back when a token has refilled
      Schedule(j.outbox_id, now + rt.gate.RefillWaitMs());
      return;
    }
    j.channel = p.channel;
    j.backend = p.backend;
    Send(j, l, c, rt);
  }

  // Every position left has tries but rests behind an open breaker: this
  // try counts against the first of them as one that failed, and the next
  // follows the backoff. A message's attempts are thus spent on its own
  // schedule whatever the breakers do, and one whose attempts are spent is
  // failed (and replaced) instead of waiting for a backend to come back.
  void TryResting(Job& j, Live& l, CalloutRow& c, BackendRt& rt, size_t channel, size_t backend,
                  int64_t now) {
    int tries = ++j.Tries(channel, backend);
    j.channel = channel;
    j.backend = backend;
    j.last_error = fmt::format("{}: not tried: resting after {} failures in a row", rt.b.name,
                               rt.gate.consecutive_failures());
    RecordFailure(j, l, c, static_cast<int>(c.channels[channel].kind), rt.b.name);
    Schedule(j.outbox_id, tries < rt.b.limits.max_attempts ? now + rt.gate.Backoff(tries) : now);
  }

  // Stores a failed try's error on a call-out still awaiting an answer.
  void RecordFailure(Job& j, Live& l, CalloutRow& c, int channel_kind, const std::string& backend) {
    if (j.kind != OutboxKind::kCallout) return;
    auto to = NextState(c.state, CalloutEvent::kDeliveryFailed);
    if (!to) return;
    CalloutUpdate u;
    u.channel_kind = channel_kind;
    u.backend = backend;
    u.last_error = j.last_error;
    u.detail = fmt::format("attempt {} failed: {}", j.attempts_total, j.last_error);
    u.only_from = {CalloutState::kQueued, CalloutState::kSent, CalloutState::kDelivered};
    SetState(l, c, *to, std::move(u));
  }

  void Send(Job& j, Live& l, CalloutRow& c, BackendRt& rt) {
    notify::Message m = ComposeMessage(l, c, j, options.public_url);
    ++j.Tries(j.channel, j.backend);
    ++j.attempts_total;
    j.in_flight = true;
    rt.gate.Started(j.outbox_id);
    int64_t job_id = j.outbox_id;
    std::string backend = rt.b.name;
    int kind = static_cast<int>(m.channel.kind);
    rt.b.notifier->Send(m, [this, job_id, backend, kind](notify::SendResult r) {
      OnResult(job_id, backend, kind, std::move(r));
    });
  }

  void OnResult(int64_t job_id, const std::string& backend, int channel_kind,
                notify::SendResult r) {
    int64_t now = clock.NowMs();
    auto b = backends.find(backend);
    BackendRt* rt = b == backends.end() ? nullptr : &b->second;
    if (rt) {
      if (rt->outcomes[static_cast<int>(r.outcome)])
        rt->outcomes[static_cast<int>(r.outcome)]->Inc();
      if (rt->gate.Finished(job_id, r.outcome, now) == BackendGate::BreakerChange::kOpened) {
        spdlog::warn("dispatch: backend {} failed {} times in a row; resting it for {} ms",
                     rt->b.name, rt->gate.consecutive_failures(), rt->b.limits.breaker_cooldown_ms);
      }
      if (rt->resting) rt->resting->Set(rt->gate.IsOpen() ? 1 : 0);
    }
    auto it = jobs.find(job_id);
    if (it != jobs.end()) {
      Job& j = it->second;
      j.in_flight = false;
      auto [l, c] = FindCallout(j.activation_id, j.callout_id);
      bool ok =
          r.outcome == notify::SendOutcome::kDelivered || r.outcome == notify::SendOutcome::kSent;
      if (ok) {
        if (l && c) OnSent(j, *l, *c, backend, channel_kind, r, now);
        if (jobs.contains(job_id)) FinishJob(jobs.at(job_id), OutboxState::kDone);
      } else {
        j.last_error = fmt::format("{}: {}", backend, r.detail);
        if (r.outcome == notify::SendOutcome::kRetry) {
          int tries = j.Tries(j.channel, j.backend);
          bool more = rt && tries < rt->b.limits.max_attempts;
          // Spent: Route moves on to the next position at once.
          Schedule(j.outbox_id, more ? now + rt->gate.Backoff(tries) : now);
        } else {  // permanent for this address: next channel
          ++j.channel;
          j.backend = 0;
          Schedule(j.outbox_id, now);
        }
        if (l && c) RecordFailure(j, *l, *c, channel_kind, backend);
      }
    }
    if (rt) {
      while (auto next = rt->gate.Unpark()) {
        auto n = jobs.find(*next);
        if (n != jobs.end() && !n->second.in_flight) Route(n->second, now);
      }
    }
    MaybeRetire();
  }

  void OnSent(Job& j, Live& l, CalloutRow& c, const std::string& backend, int channel_kind,
              const notify::SendResult& r, int64_t now) {
    bool delivered = r.outcome == notify::SendOutcome::kDelivered;
    if (j.kind == OutboxKind::kCallout) {
      cap.Record(c.reservist_id, now);
      auto to = NextState(c.state, delivered ? CalloutEvent::kDelivered : CalloutEvent::kSent);
      if (!to) return;
      CalloutUpdate u;
      u.channel_kind = channel_kind;
      u.backend = backend;
      u.detail = fmt::format("call-out {} via {} ({})", delivered ? "delivered" : "sent",
                             ChannelName(channel_kind), backend);
      u.only_from = {CalloutState::kQueued, CalloutState::kSent};
      SetState(l, c, *to, std::move(u));
    } else {
      CalloutUpdate u;
      u.channel_kind = channel_kind;
      u.backend = backend;
      u.detail = fmt::format("stand-down {} via {} ({})", delivered ? "delivered" : "sent",
                             ChannelName(channel_kind), backend);
      SetState(l, c, c.state, std::move(u));
    }
  }

  void GiveUp(Job& j, Live& l, CalloutRow& c, const std::string& why) {
    spdlog::warn("dispatch: giving up on {} for reservist {}: {}", j.key, c.reservist_id, why);
    auto to =
        j.kind == OutboxKind::kCallout ? NextState(c.state, CalloutEvent::kGaveUp) : std::nullopt;
    if (to) {
      CalloutUpdate u;
      u.last_error = why;
      u.detail = fmt::format("failed: {}", why);
      SetState(l, c, *to, std::move(u));
      ScheduleTopUp(l, "replacing unreachable reservists");
    }
    FinishJob(j, OutboxState::kGaveUp);
  }

  // ----------------------------------------------------------------- activation logic
  void ScheduleTopUp(Live& l, const std::string& reason) {
    if (l.a.state != ActivationState::kOpen) return;
    if (l.topup_due_ms == 0) {
      l.topup_due_ms = clock.NowMs() + options.topup_delay_ms;
      l.topup_reason = reason;
      Wake(l.topup_due_ms);
      ArmSweepSoon(options.topup_delay_ms);
    }
  }

  void ArmSweepSoon(int delay_ms) {
    auto t = std::make_shared<boost::asio::steady_timer>(io);
    t->expires_after(std::chrono::milliseconds(delay_ms + 1));
    t->async_wait([this, t](const boost::system::error_code& ec) {
      if (!ec) Sweep();
    });
  }

  void TopUp(Live& l) {
    l.topup_due_ms = 0;
    if (l.a.state != ActivationState::kOpen) return;
    const std::vector<int> gaps = WaveGaps(l.a.requirements);
    if (std::all_of(gaps.begin(), gaps.end(), [](int gap) { return gap == 0; })) return;
    if (!Flush().ok()) {
      // The ranking reads who is busy from the stored call-outs: a wave
      // chosen now could ask someone who just accepted elsewhere. Later.
      ScheduleTopUp(l, l.topup_reason);
      return;
    }
    auto added = manager.NextWave(l.a.id, gaps, l.topup_reason);
    if (!added.ok()) {
      spdlog::error("dispatch: activation {}: next wave failed: {}", l.a.id,
                    added.status().ToString());
      return;
    }
    if (added->empty()) {
      if (!l.exhausted) {
        l.exhausted = true;
        Publish(l, DispatchEvent::Kind::kWave, nullptr, 0,
                "nobody more to ask: the shortfall stays until the roster changes");
      }
      return;
    }
    l.exhausted = false;
    int wave = added->front().wave;
    Reload(l.a.id);
    Live& fresh = live.at(l.a.id);
    std::string detail =
        fmt::format("wave {}: asking {} more ({})", wave, added->size(), fresh.topup_reason);
    spdlog::info("dispatch: activation {} {}", fresh.a.id, detail);
    Publish(fresh, DispatchEvent::Kind::kWave, nullptr, wave, detail);
  }

  // Re-reads an activation from the store (after a new wave) keeping jobs.
  void Reload(int64_t id) {
    FinishLoading();
    auto row = Store().LoadOne(id);
    if (!row.ok()) {
      spdlog::error("dispatch: reloading activation {}: {}", id, row.status().ToString());
      return;
    }
    Live old = std::move(live.at(id));
    AddLive(std::move(row).value());
    Live& l = live.at(id);
    l.callout_job = std::move(old.callout_job);
    l.jobs = old.jobs;
    l.end_reason = old.end_reason;
    l.exhausted = old.exhausted;
    if (auto st = LoadJobs(id); !st.ok()) {
      spdlog::error("dispatch: loading jobs of activation {}: {}", id, st.ToString());
    }
  }

  void Sweep() {
    FinishLoading();
    int64_t now = clock.NowMs();
    std::vector<int64_t> ids;
    for (auto& [id, l] : live) ids.push_back(id);
    for (int64_t id : ids) {
      auto it = live.find(id);
      if (it == live.end()) continue;
      Live& l = it->second;
      if (ExpiryDue(l, now)) Expire(l);
      for (auto& w : l.waves) {
        if (WaveDeadlinePassed(w, now)) CloseWave(l, w);
      }
      if (TopUpDue(l, now)) TopUp(l);
      if (!l.standdowns_to_store.empty()) {
        StoreStandDowns(l, std::exchange(l.standdowns_to_store, {}));
      }
    }
    MaybeRetire();
    Pump();
  }

  void CloseWave(Live& l, WaveRow& w) {
    w.closed = true;
    int unanswered = 0;
    for (auto& [cid, c] : l.callouts) {
      if (c.wave != w.wave) continue;
      auto to = NextState(c.state, CalloutEvent::kDeadlinePassed);
      if (!to) continue;
      CalloutUpdate u;
      u.last_error = c.last_error;
      u.detail = fmt::format("no answer by the wave {} deadline", w.wave);
      u.only_from = {CalloutState::kQueued, CalloutState::kSent, CalloutState::kDelivered};
      SetState(l, c, *to, std::move(u));
      ++unanswered;
    }
    if (!Flush().ok()) {
      // The wave is closed in the store only after its call-outs' changes
      // (else a restart would find them awaiting an answer in a closed
      // wave, which nothing closes again): the next sweep tries again.
      w.closed = false;
    } else if (auto st = Store().CloseWave(l.a.id, w.wave); !st.ok()) {
      spdlog::error("dispatch: closing wave: {}", st.ToString());
    }
    if (unanswered > 0) {
      ScheduleTopUp(l, fmt::format("{} did not answer wave {}", unanswered, w.wave));
      l.topup_due_ms = clock.NowMs();  // the deadline has passed: ask now
    }
  }

  void Expire(Live& l) {
    auto r = manager.ExpireDue();
    if (!r.ok()) spdlog::error("dispatch: expiring: {}", r.status().ToString());
    l.a.state = ActivationState::kExpired;
    l.end_reason = "the activation's window ended";
    WithdrawUnsent(l);
    Publish(l, DispatchEvent::Kind::kState, nullptr, 0, "expired: window ended while still open");
  }

  void WithdrawUnsent(Live& l) {
    std::vector<int64_t> to_withdraw;
    for (auto& [cid, jid] : l.callout_job) {
      auto j = jobs.find(jid);
      if (j != jobs.end() && !j->second.in_flight && j->second.attempts_total == 0) {
        to_withdraw.push_back(jid);
      }
    }
    for (int64_t jid : to_withdraw) {
      auto j = jobs.find(jid);
      if (j != jobs.end()) FinishJob(j->second, OutboxState::kWithdrawn);
    }
  }

  static constexpr std::optional<int> kEveryRequirement = std::nullopt;

  // Stands down the call-outs `scope` reaches, of one requirement or of
  // every one: unsent ones are withdrawn, the others get a message (stored
  // now, or kept for the sweep to store: see StoreStandDowns).
  void StandDown(Live& l, StandDownScope scope, std::optional<int> requirement,
                 const std::string& why) {
    std::vector<std::pair<int64_t, std::string>> messages;
    for (auto& [cid, c] : l.callouts) {
      if (requirement && c.requirement != *requirement) continue;
      auto to = NextState(c.state, StandDownEvent(scope));
      if (!to) continue;
      bool unsent = false;
      auto cj = l.callout_job.find(cid);
      if (cj != l.callout_job.end()) {
        auto j = jobs.find(cj->second);
        unsent = j != jobs.end() && !j->second.in_flight && j->second.attempts_total == 0;
        if (unsent) FinishJob(j->second, OutboxState::kWithdrawn);
      }
      CalloutUpdate u;
      u.detail = unsent ? fmt::format("stood down before being sent: {}", why)
                        : fmt::format("stood down: {}", why);
      if (!unsent) messages.emplace_back(cid, c.idempotency_key);
      SetState(l, c, *to, std::move(u));
    }
    StoreStandDowns(l, std::move(messages));
  }

  // Stores stand-down messages (outbox rows, with the changes queued so
  // far) and queues them for sending. If storing fails they are kept and
  // tried again by every sweep until stored: the call-outs are already
  // stood down in memory, and once that change is stored nothing else
  // would ever send their stand-downs.
  void StoreStandDowns(Live& l, std::vector<std::pair<int64_t, std::string>> messages) {
    if (messages.empty()) return;
    std::vector<int64_t> ids;
    if (Status st = Flush(messages, &ids); !st.ok()) {
      spdlog::error(
          "dispatch: activation {}: storing {} stand-down messages failed (will retry): {}", l.a.id,
          messages.size(), st.ToString());
      auto& pending = l.standdowns_to_store;
      pending.insert(pending.end(), std::make_move_iterator(messages.begin()),
                     std::make_move_iterator(messages.end()));
      return;
    }
    int64_t now = clock.NowMs();
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == 0) continue;  // a stand-down for it exists already
      Job j;
      j.outbox_id = ids[i];
      j.callout_id = messages[i].first;
      j.activation_id = l.a.id;
      j.kind = OutboxKind::kStandDown;
      j.key = MessageKey(messages[i].second, MessageRole::kStandDown);
      ++l.jobs;
      jobs.Add(std::move(j), now);
      Wake(now);
    }
    owner.queue_depth_ = jobs.size();
  }

  Result<Activation> End(int64_t id, ActivationState to, const std::string& reason) {
    FinishLoading();
    // Stores the changes so far first. (void): a failure is logged and they
    // stay queued for the flush timer; the end does not depend on them.
    (void)Flush();
    auto moved =
        activations.Transition(id, {ActivationState::kOpen, ActivationState::kFilled}, to, reason);
    if (!moved.ok()) return moved.status();
    auto it = live.find(id);
    if (it == live.end()) {
      auto row = Store().LoadOne(id);
      if (!row.ok()) return row.status();
      AddLive(std::move(row).value());
      it = live.find(id);
      MUSTER_RETURN_IF_ERROR(LoadJobs(id));
    }
    Live& l = it->second;
    l.a.state = to;
    l.topup_due_ms = 0;
    l.end_reason = to == ActivationState::kCancelled ? "the activation was cancelled"
                                                     : "the activation was stood down";
    if (!reason.empty()) l.end_reason += ": " + reason;
    StandDown(l, StandDownScope::kAwaitingAnswerOrAccepted, kEveryRequirement, l.end_reason);
    Publish(l, DispatchEvent::Kind::kState, nullptr, 0,
            fmt::format("{}: {}", ActivationStateName(to), reason.empty() ? "-" : reason));
    MaybeRetire();
    return activations.Get(id);
  }

  // Activations that are over and have nothing left to send leave memory;
  // their watchers end.
  void MaybeRetire() {
    std::vector<int64_t> done;
    for (auto& [id, l] : live) {
      if (IsEnded(l.a.state) && l.jobs == 0 && l.standdowns_to_store.empty()) done.push_back(id);
    }
    for (int64_t id : done) {
      // So that watchers, ended below, find the last changes stored. (void):
      // a failure is logged and the changes stay queued for the flush timer,
      // which does not need the activation in memory.
      (void)Flush();
      live.Remove(id);
      owner.live_count_ = live.size();
      owner.events_.End(id);
    }
  }

  Status CheckFilled(Live& l, int requirement) {
    const RequirementRecord& r = l.a.requirements[static_cast<size_t>(requirement)];
    if (IsFilled(r)) {
      StandDown(l, StandDownScope::kAwaitingAnswer, requirement,
                fmt::format("the {} places are filled", r.requirement.skill));
    }
    if (AllFilled(l.a.requirements) && l.a.state == ActivationState::kOpen) {
      // The stand-downs first. (void): a failure is logged and they stay
      // queued; if FILLED is stored and they are not, Start stands them down
      // again (CheckFilled).
      (void)Flush();
      auto moved = activations.Transition(l.a.id, {ActivationState::kOpen},
                                          ActivationState::kFilled, "every requirement filled");
      if (!moved.ok()) return moved.status();
      l.a.state = ActivationState::kFilled;
      l.topup_due_ms = 0;
      StandDown(l, StandDownScope::kAwaitingAnswer, kEveryRequirement, "every place is filled");
      spdlog::info("dispatch: activation {} filled", l.a.id);
      Publish(l, DispatchEvent::Kind::kState, nullptr, 0, "filled: every requirement filled");
    }
    return {};
  }

  Result<AnswerResult> Answer(const AnswerRequest& req) {
    FinishLoading();
    Live* l = nullptr;
    CalloutRow* c = nullptr;
    if (!req.token.empty()) {
      std::tie(l, c) = live.FindByToken(req.token);
    } else {
      auto it = live.find(req.activation_id);
      if (it == live.end()) return AnswerOnEnded(req);
      l = &it->second;
      auto r = l->by_reservist.find(req.reservist_id);
      if (r == l->by_reservist.end()) {
        return Status::NotFound(fmt::format("reservist {} was not asked on activation {}",
                                            req.reservist_id, req.activation_id));
      }
      c = &l->callouts.at(r->second);
    }
    if (!l || !c) return Status::NotFound("unknown or expired answer link");
    const AnswerStep step = DecideAnswer(c->state, req.answer, l->a.state,
                                         l->a.requirements[static_cast<size_t>(c->requirement)]);
    auto finish = [&] {
      AnswerResult out;
      out.activation_id = l->a.id;
      out.activation_title = l->a.spec.title;
      out.outcome = step.outcome;
      out.callout = ToCallout(*l, *c);
      out.message = AnswerReply(step.reply, c->reservist_name, l->a.spec);
      return out;
    };
    if (!step.to) return finish();
    const bool accept = req.answer == AnswerKind::kAccept;
    const std::string via = req.via.empty() ? "" : " via " + req.via;
    CalloutUpdate u;
    u.answered = true;
    if (step.outcome == AnswerOutcome::kNoLongerNeeded) {
      u.detail = "accepted after the places were filled" + via;
    } else if (accept) {
      u.detail = "accepted" + via;
    } else {
      u.detail = (step.withdrew ? "withdrew (declined after accepting)" : "declined") + via;
    }
    SetState(*l, *c, *step.to, std::move(u));
    MUSTER_RETURN_IF_ERROR(Flush());  // stored before the reply says so
    if (step.outcome == AnswerOutcome::kNoLongerNeeded) return finish();
    if (accept) {
      MUSTER_RETURN_IF_ERROR(CheckFilled(*l, c->requirement));
      return finish();
    }
    if (step.withdrew && l->a.state == ActivationState::kFilled) {
      auto moved =
          activations.Transition(l->a.id, {ActivationState::kFilled}, ActivationState::kOpen,
                                 fmt::format("reopened: {} withdrew", c->reservist_name));
      if (moved.ok()) {
        l->a.state = ActivationState::kOpen;
        Publish(*l, DispatchEvent::Kind::kState, nullptr, 0,
                "reopened: an accepted reservist withdrew");
      }
    }
    ScheduleTopUp(*l, "replacing declines");
    return finish();
  }

  // An answer naming an activation that is over (and out of memory): not
  // needed, nothing changes. NotFound if it or the reservist's call-out on
  // it does not exist.
  Result<AnswerResult> AnswerOnEnded(const AnswerRequest& req) {
    auto a = activations.Get(req.activation_id);
    if (!a.ok()) return a.status();
    for (const auto& c : a->callouts) {
      if (c.candidate.reservist_id != req.reservist_id) continue;
      AnswerResult out;
      out.outcome = AnswerOutcome::kNoLongerNeeded;
      out.callout = c;
      out.activation_id = a->id;
      out.activation_title = a->spec.title;
      out.message = AnswerReply("no_longer_needed", c.reservist_name, a->spec);
      return out;
    }
    return Status::NotFound(fmt::format("reservist {} was not asked on activation {}",
                                        req.reservist_id, req.activation_id));
  }

  Result<AnswerResult> AnswerFromPhone(const std::string& phone, const std::string& text) {
    FinishLoading();
    auto answer = ParseSmsReply(text);
    if (!answer.ok()) return answer.status();
    AnswerRequest req;
    req.via = "sms reply";
    req.answer = *answer;
    // The most recent call-out to this number still awaiting an answer.
    const CalloutRow* best = live.LatestAnswerableByPhone(phone);
    if (!best) return Status::NotFound("no call-out awaiting an answer from that number");
    req.token = best->answer_token;
    return Answer(req);
  }

  bool KnowsAnswerToken(const std::string& token) {
    FinishLoading();
    auto [l, c] = live.FindByToken(token);
    return l != nullptr && c != nullptr;
  }

  Status Receipt(const std::string& reference, ReceiptStatus status, const std::string& detail) {
    FinishLoading();
    // The ids find the call-out; the mac (from its secret token) proves the
    // sender was given the reference.
    auto parts = ParseReceiptReference(reference);
    auto [lp, cp] = parts ? FindCallout(parts->activation_id, parts->callout_id)
                          : std::pair<Live*, CalloutRow*>{nullptr, nullptr};
    if (!cp || !ReceiptReferenceMatches(reference, *parts, cp->answer_token)) {
      return Status::NotFound("no live call-out has this receipt reference");
    }
    if (parts->role == MessageRole::kStandDown) return {};  // stand-down receipts change nothing
    Live& l = *lp;
    CalloutRow& c = *cp;
    if (status == ReceiptStatus::kDelivered) {
      auto to = NextState(c.state, CalloutEvent::kDelivered);
      if (!to || *to == c.state) return {};
      CalloutUpdate u;
      u.detail = "delivery receipt: delivered";
      u.only_from = {CalloutState::kQueued, CalloutState::kSent};
      SetState(l, c, *to, std::move(u));
      return {};
    }
    auto to = NextState(c.state, CalloutEvent::kDeliveryFailed);
    if (!to) return {};
    CalloutUpdate u;
    u.last_error = "delivery receipt: " + detail;
    u.detail = u.last_error;
    u.only_from = {CalloutState::kQueued, CalloutState::kSent, CalloutState::kDelivered};
    SetState(l, c, *to, std::move(u));
    // Try the next channel with a fresh job under the same key.
    EnqueueRetryAfterReceipt(l, c);
    return {};
  }

  void EnqueueRetryAfterReceipt(Live& l, CalloutRow& c) {
    if (l.callout_job.count(c.id)) return;  // still being worked on
    // The call-out's outbox row is done; the handset did not get it. A new
    // attempt on the next channel is a new job on the same row.
    Job j;
    j.outbox_id = -c.id;  // in-memory only: the row is re-marked when done
    j.callout_id = c.id;
    j.activation_id = l.a.id;
    j.kind = OutboxKind::kCallout;
    j.key = c.idempotency_key;
    j.attempts_total = 1;
    j.channel = 1;
    for (size_t i = 0; i < c.channels.size(); ++i) {
      if (static_cast<int>(c.channels[i].kind) == c.channel_kind) j.channel = i + 1;
    }
    if (j.channel >= c.channels.size()) return;  // no other channel: wait for the deadline
    ++l.jobs;
    l.callout_job[c.id] = j.outbox_id;
    jobs.Add(std::move(j), clock.NowMs());
    Wake(clock.NowMs());
  }

  void ArmSweep() {
    sweep_timer.expires_after(std::chrono::milliseconds(options.sweep_interval_ms));
    sweep_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      Sweep();
      ArmSweep();
    });
  }
};

// ---------------------------------------------------------------------------

template <typename T>
T Dispatcher::RunOnThread(std::function<T()> fn) {
  std::packaged_task<T()> task(std::move(fn));
  auto result = task.get_future();
  boost::asio::post(*io_, [&task] { task(); });
  return result.get();
}

Result<std::unique_ptr<Dispatcher>> Dispatcher::Start(const std::string& db_path,
                                                      ActivationManager& manager,
                                                      ActivationStore& activations,
                                                      const Clock& clock, DispatcherOptions options,
                                                      const BackendFactory& factory) {
  auto store = DispatchStore::Open(db_path);
  if (!store.ok()) return store.status();
  std::unique_ptr<Dispatcher> d(new Dispatcher());
  d->io_ = std::make_unique<boost::asio::io_context>(1);
  auto backends = factory(d->io_->get_executor());
  if (!backends.ok()) return backends.status();
  d->impl_ = std::make_unique<Impl>(*d, manager, activations, clock, std::move(options),
                                    std::move(store).value(), *d->io_);
  Impl& impl = *d->impl_;
  for (auto& b : *backends) {
    std::string name = b.name;
    impl.backends.emplace(std::piecewise_construct, std::forward_as_tuple(name),
                          std::forward_as_tuple(std::move(b), [&impl] { return impl.Unit(); }));
  }
  for (const auto& [kind, names] : impl.options.routes) {
    for (const auto& n : names) {
      if (!impl.backends.count(n)) {
        return Status::InvalidArgument(
            fmt::format("channels.{}", ChannelName(static_cast<int>(kind))),
            fmt::format("no backend named '{}'", n));
      }
    }
  }
  auto rows = impl.store->LoadLive();
  if (!rows.ok()) return rows.status();
  size_t loaded = rows->size();
  for (auto& row : *rows) impl.AddLive(std::move(row));
  MUSTER_RETURN_IF_ERROR(impl.LoadJobs(0));
  auto recent = impl.store->RecentCalloutSends(clock.NowMs() - PersonCap::kWindowMs);
  if (!recent.ok()) return recent.status();
  impl.cap.Load(*recent);
  // Ended activations whose call-outs were never stood down (a crash between
  // the state change and the stand-downs) are stood down now.
  for (auto& [id, l] : impl.live) {
    if (!IsEnded(l.a.state) || l.a.state == ActivationState::kExpired) continue;
    l.end_reason = l.a.state == ActivationState::kCancelled ? "the activation was cancelled"
                                                            : "the activation was stood down";
    impl.StandDown(l, StandDownScope::kAwaitingAnswerOrAccepted, Impl::kEveryRequirement,
                   l.end_reason);
  }
  // Likewise requirements that filled just before a crash: stand down the
  // rest of their call-outs (CheckFilled also completes a FILLED change).
  for (auto& [id, l] : impl.live) {
    if (IsEnded(l.a.state)) continue;
    for (size_t i = 0; i < l.a.requirements.size(); ++i) {
      MUSTER_RETURN_IF_ERROR(impl.CheckFilled(l, static_cast<int>(i)));
    }
  }
  impl.InitMetrics();
  manager.KeepStoredCalloutsForDispatch(true);
  spdlog::info("dispatcher: {} live activations, {} messages to send", loaded, impl.jobs.size());
  impl.ArmSweep();
  d->running_ = true;
  impl.writer.Start();
  d->thread_ = std::thread([io = d->io_.get()] {
    pthread_setname_np(pthread_self(), "dispatcher");  // for top and perf
    auto guard = boost::asio::make_work_guard(*io);
    io->run();
  });
  boost::asio::post(*d->io_, [&impl] { impl.Pump(); });
  return d;
}

Dispatcher::~Dispatcher() {
  Stop();
}

void Dispatcher::Stop() {
  if (!thread_.joinable()) return;
  RunOnThread<int>([this] {
    // (void): a failure is logged, and the Flush after the thread stops
    // tries again.
    (void)impl_->Flush();
    for (auto& [name, rt] : impl_->backends) rt.b.notifier->Shutdown();
    impl_->wake_timer.cancel();
    impl_->flush_timer.cancel();
    impl_->sweep_timer.cancel();
    return 0;
  });
  io_->stop();
  thread_.join();
  running_ = false;
  impl_->manager.KeepStoredCalloutsForDispatch(false);
  // (void): a failure is logged; nothing is lost that the next start does
  // not redo: outbox rows not marked done are sent again, with their keys.
  (void)impl_->Flush();
  impl_->writer.Stop();
}

Status Dispatcher::Kick(int64_t activation_id) {
  return RunOnThread<Status>([&]() -> Status {
    // Taken first so that none are left behind when it is live already.
    auto handed = impl_->manager.TakeStoredCallouts(activation_id);
    if (impl_->live.contains(activation_id)) return {};
    if (!handed.empty()) {
      MUSTER_RETURN_IF_ERROR(impl_->AddCreated(activation_id, std::move(handed)));
    } else {
      auto row = impl_->Store().LoadOne(activation_id);
      if (!row.ok()) return row.status();
      impl_->AddLive(std::move(row).value());
      MUSTER_RETURN_IF_ERROR(impl_->LoadJobs(activation_id));
    }
    Impl::Live& l = impl_->live.at(activation_id);
    int waves = static_cast<int>(l.waves.size());
    size_t asked = l.callouts.size() + (l.unloaded.size() - l.unloaded_at);
    impl_->Publish(l, DispatchEvent::Kind::kWave, nullptr, waves,
                   fmt::format("wave {}: asking {}", waves, asked));
    impl_->Pump();
    return {};
  });
}

Result<Activation> Dispatcher::End(int64_t activation_id, ActivationState to,
                                   const std::string& reason) {
  return RunOnThread<Result<Activation>>(
      [&]() -> Result<Activation> { return impl_->End(activation_id, to, reason); });
}

Result<AnswerResult> Dispatcher::Answer(const AnswerRequest& request) {
  return RunOnThread<Result<AnswerResult>>(
      [&]() -> Result<AnswerResult> { return impl_->Answer(request); });
}

Result<AnswerResult> Dispatcher::AnswerFromPhone(const std::string& phone,
                                                 const std::string& text) {
  return RunOnThread<Result<AnswerResult>>(
      [&]() -> Result<AnswerResult> { return impl_->AnswerFromPhone(phone, text); });
}

Status Dispatcher::Receipt(const std::string& reference, ReceiptStatus status,
                           const std::string& detail) {
  return RunOnThread<Status>([&]() { return impl_->Receipt(reference, status, detail); });
}

bool Dispatcher::KnowsAnswerToken(const std::string& token) {
  return RunOnThread<bool>([&]() { return impl_->KnowsAnswerToken(token); });
}

void Dispatcher::SweepNow() {
  RunOnThread<int>([this] {
    impl_->Sweep();
    return 0;
  });
}

bool Dispatcher::WaitIdle(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    bool idle = RunOnThread<bool>([this] {
      impl_->FinishLoading();
      bool busy = false;
      busy = !impl_->jobs.empty();
      for (auto& [id, l] : impl_->live) {
        if (!l.standdowns_to_store.empty()) busy = true;
      }
      if (busy || !impl_->Flush().ok()) return false;
      return impl_->writer.Empty();
    });
    if (idle) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace muster::dispatch

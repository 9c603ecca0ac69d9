// The dispatcher over the real SQLite stores, the real ranking index and a
// scripted in-process notifier (the backends themselves are tested against
// real sinks in tests/daemon/notify and tests/integration). Time is a
// ManualClock, so answer deadlines and backoff are driven by the test.
#include "dispatch/dispatcher.h"
#include "dispatch/answer_pages.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "activation/sqlite_activation_store.h"
#include "notify/sms_callback.h"
#include "ranking/roster_index.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;
using namespace muster::dispatch;

namespace {

constexpr int64_t kStart = 1796148000;  // 2026-12-01T18:00:00Z
constexpr double kLat = 51.9925, kLon = -2.1580;

// Records every message; answers with a scripted outcome per (backend call
// number) or a default.
struct Script {
  std::mutex mu;
  std::vector<notify::Message> sent;                                // every attempt, in order
  std::map<std::string, std::vector<notify::SendOutcome>> per_key;  // popped front first
  notify::SendOutcome fallback = notify::SendOutcome::kDelivered;

  size_t Count(const std::string& key) {
    std::lock_guard l(mu);
    size_t n = 0;
    for (auto& m : sent) n += m.idempotency_key == key;
    return n;
  }
  std::vector<notify::Message> Sent() {
    std::lock_guard l(mu);
    return sent;
  }
};

class ScriptedNotifier : public notify::Notifier {
 public:
  ScriptedNotifier(boost::asio::any_io_executor ex, std::shared_ptr<Script> script)
      : ex_(ex), script_(std::move(script)) {}
  void Send(const notify::Message& m, std::function<void(notify::SendResult)> done) override {
    notify::SendOutcome o;
    {
      std::lock_guard l(script_->mu);
      script_->sent.push_back(m);
      auto& q = script_->per_key[m.idempotency_key];
      if (!q.empty()) {
        o = q.front();
        q.erase(q.begin());
      } else {
        o = script_->fallback;
      }
    }
    boost::asio::post(ex_, [done, o] {
      done({o, o == notify::SendOutcome::kDelivered ? "" : "scripted failure", ""});
    });
  }

 private:
  boost::asio::any_io_executor ex_;
  std::shared_ptr<Script> script_;
};

struct World {
  testing::TempDir dir;
  ManualClock clock{(kStart - 3600) * 1000};
  std::unique_ptr<SqliteRosterStore> roster;
  std::unique_ptr<RosterIndex> index;
  std::unique_ptr<SqliteActivationStore> store;
  std::unique_ptr<ActivationManager> manager;
  std::unique_ptr<Dispatcher> dispatcher;
  std::shared_ptr<Script> sms = std::make_shared<Script>();
  std::shared_ptr<Script> sms2 = std::make_shared<Script>();
  std::shared_ptr<Script> email = std::make_shared<Script>();
  notify::BackendLimits limits;
  DispatcherOptions options;

  explicit World(int first_aiders = 6) {
    limits.backoff_initial_ms = 10;
    limits.backoff_max_ms = 20;
    limits.max_attempts = 3;
    limits.breaker_failures = 1000;
    options.routes = {{ChannelKind::kSms, {"sms"}}, {ChannelKind::kEmail, {"email"}}};
    options.topup_delay_ms = 0;
    options.sweep_interval_ms = 20;
    OpenRoster(first_aiders);
  }
  ~World() {
    dispatcher.reset();
    manager.reset();
  }

  void OpenRoster(int n) {
    SqliteStoreOptions opts;
    opts.now_ms = [this] { return clock.NowMs(); };
    auto r = SqliteRosterStore::Open(dir.File("m.db"), opts);
    REQUIRE(r.ok());
    roster = std::move(r).value();
    REQUIRE(roster->UpsertSkill({"first_aid", "First aid", 1, 3}).ok());
    for (int i = 1; i <= n; ++i) {
      Reservist p;
      p.name = fmt::format("fa{}", i);
      p.external_id = p.name;
      p.home_area = "gloucestershire";
      // i km east; past 40, rows of 40 spaced 100 m north.
      p.lat = kLat + ((i - 1) / 40) * 0.0009;
      p.lon = kLon + ((i - 1) % 40 + 1) * 0.01467;
      p.channels = {{ChannelKind::kSms, fmt::format("+4477009000{:02}", i)},
                    {ChannelKind::kEmail, fmt::format("fa{}@example.org", i)}};
      p.skills = {{"first_aid", 2, "", std::nullopt}};
      REQUIRE(roster->UpsertReservist(p).ok());
    }
    index = std::make_unique<RosterIndex>();
    auto skills = roster->ListSkills();
    REQUIRE(skills.ok());
    std::vector<Skill> catalogue;
    for (auto& s : *skills) catalogue.push_back(s.skill);
    index->SetSkills(catalogue);
    REQUIRE(index
                ->Rebuild([this](const ReservistSink& sink) {
                  return roster->ForEachReservist({}, sink);
                })
                .ok());
    auto a = SqliteActivationStore::Open(dir.File("m.db"), clock);
    REQUIRE(a.ok());
    store = std::move(a).value();
    manager = std::make_unique<ActivationManager>(*store, *roster, *index, RankingConfig{}, clock);
  }

  void StartDispatcher() {
    auto d = Dispatcher::Start(
        dir.File("m.db"), *manager, *store, clock, options,
        [this](boost::asio::any_io_executor ex) -> Result<std::vector<Backend>> {
          std::vector<Backend> out;
          out.push_back({"sms", std::make_unique<ScriptedNotifier>(ex, sms), limits});
          out.push_back({"sms2", std::make_unique<ScriptedNotifier>(ex, sms2), limits});
          out.push_back({"email", std::make_unique<ScriptedNotifier>(ex, email), limits});
          return out;
        });
    REQUIRE(d.ok());
    dispatcher = std::move(d).value();
  }

  static ActivationSpec Spec(int count, int answer_within = 15) {
    ActivationSpec spec;
    spec.title = "Tewkesbury flooding";
    spec.lat = kLat;
    spec.lon = kLon;
    spec.radius_km = 30;
    spec.start_unix = kStart;
    spec.duration_minutes = 720;
    spec.answer_within_minutes = answer_within;
    spec.requirements = {{"first_aid", 1, count}};
    return spec;
  }

  // Creates an activation for `count` first aiders and kicks the dispatcher.
  Activation Activate(int count, int answer_within = 15) {
    auto made = manager->Create(Spec(count, answer_within), "");
    REQUIRE(made.ok());
    REQUIRE(dispatcher->Kick(made->activation.id).ok());
    return made->activation;
  }

  Activation Get(int64_t id) {
    auto a = store->Get(id);
    REQUIRE(a.ok());
    return *a;
  }

  void Idle() { REQUIRE(dispatcher->WaitIdle(std::chrono::seconds(20))); }

  // Advances the clock and lets due work run.
  void Advance(int64_t ms) {
    clock.Advance(ms);
    dispatcher->SweepNow();
  }

  std::string Token(int64_t callout_id) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.File("m.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT answer_token FROM callouts WHERE id = ?1", -1, &st,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, callout_id);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return t;
  }

  int64_t Count(const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.File("m.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.File("m.db").c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }

  AnswerResult Answer(int64_t callout_id, AnswerKind kind) {
    AnswerRequest req;
    req.token = Token(callout_id);
    req.answer = kind;
    auto r = dispatcher->Answer(req);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }
};

// A request as the HTTP server hands it over (body with its content type).
http::Request Req(const std::string& method, const std::string& path,
                  const std::string& content_type = "", const std::string& body = "") {
  http::Request r;
  r.method = method;
  r.path = path;
  r.target = path;
  if (!content_type.empty()) r.headers["content-type"] = content_type;
  r.body = body;
  return r;
}

std::map<CalloutState, int> States(const Activation& a) {
  std::map<CalloutState, int> out;
  for (const auto& c : a.callouts) ++out[c.state];
  return out;
}

}  // namespace

TEST_CASE("every selected reservist gets one call-out on their first channel, stored as delivered",
          "[dispatch]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  REQUIRE(a.callouts.size() == 3);  // 2 x over-ask 1.5
  w.Idle();
  Activation got = w.Get(a.id);
  CHECK(States(got)[CalloutState::kDelivered] == 3);
  for (const auto& c : got.callouts) {
    CHECK(w.sms->Count(c.idempotency_key) == 1);
    CHECK(c.channel_kind == static_cast<int>(ChannelKind::kSms));
    CHECK(c.backend == "sms");
  }
  CHECK(w.email->Sent().empty());
  auto sent = w.sms->Sent();
  REQUIRE(!sent.empty());
  CHECK(sent[0].kind == notify::MessageKind::kCallout);
  CHECK(sent[0].text.find("/r/") != std::string::npos);
  CHECK(sent[0].accept_url.ends_with("/accept"));
  CHECK(sent[0].channel.address.starts_with("+44770090"));
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE state = 2") == 3);
  CHECK(w.Count("SELECT count(*) FROM callout_events WHERE state = 3") == 3);
  CHECK(got.requirements[0].delivered == 3);
  CHECK(got.requirements[0].pending == 3);
}

TEST_CASE("a temporary failure is retried with the same key and delivered once", "[dispatch]") {
  World w2;
  {
    // Keys are muster-a<activation>-r<reservist>; the first activation of a
    // fresh database is 1. Everyone's first two tries fail.
    std::lock_guard l(w2.sms->mu);
    for (int r = 1; r <= 6; ++r) {
      w2.sms->per_key[fmt::format("muster-a1-r{}", r)] = {notify::SendOutcome::kRetry,
                                                          notify::SendOutcome::kRetry};
    }
  }
  w2.StartDispatcher();
  Activation b = w2.Activate(1);
  for (int i = 0; i < 20 && !w2.dispatcher->WaitIdle(std::chrono::milliseconds(50)); ++i) {
    w2.Advance(1000);
  }
  w2.Idle();
  Activation got = w2.Get(b.id);
  for (const auto& c : got.callouts) {
    CHECK(c.state == CalloutState::kDelivered);
    CHECK(w2.sms->Count(c.idempotency_key) == 3);  // two failures, one success
  }
  CHECK(w2.email->Sent().empty());
  CHECK(w2.Count("SELECT count(*) FROM callout_events WHERE detail LIKE 'attempt%failed%'") ==
        static_cast<int64_t>(2 * got.callouts.size()));
}

TEST_CASE("a permanent failure falls back to the reservist's next channel", "[dispatch]") {
  World w;
  w.sms->fallback = notify::SendOutcome::kPermanent;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  Activation got = w.Get(a.id);
  for (const auto& c : got.callouts) {
    CHECK(c.state == CalloutState::kDelivered);
    CHECK(c.channel_kind == static_cast<int>(ChannelKind::kEmail));
    CHECK(w.sms->Count(c.idempotency_key) == 1);
    CHECK(w.email->Count(c.idempotency_key) == 1);
  }
}

TEST_CASE("a backend that keeps failing is rested and the channel's next backend takes over",
          "[dispatch]") {
  World w;
  w.options.routes[ChannelKind::kSms] = {"sms", "sms2"};
  w.limits.breaker_failures = 2;
  w.limits.breaker_cooldown_ms = 600000;
  w.limits.max_attempts = 1;
  w.limits.concurrency = 1;  // one at a time, so the breaker opens before most are tried
  w.sms->fallback = notify::SendOutcome::kRetry;
  w.StartDispatcher();
  Activation a = w.Activate(4);
  w.Idle();
  Activation got = w.Get(a.id);
  for (const auto& c : got.callouts) {
    CHECK(c.state == CalloutState::kDelivered);
    CHECK(c.backend == "sms2");
  }
  // Once the breaker opened, later messages skipped "sms" entirely.
  CHECK(w.sms->Sent().size() < got.callouts.size());
  CHECK(w.email->Sent().empty());
}

TEST_CASE("accepts fill the slots, the rest are stood down, late and double answers change nothing",
          "[dispatch]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  REQUIRE(a.callouts.size() == 3);
  auto r1 = w.Answer(a.callouts[0].id, AnswerKind::kAccept);
  CHECK(r1.outcome == AnswerOutcome::kRecorded);
  CHECK(r1.message.find("confirmed") != std::string::npos);
  auto again = w.Answer(a.callouts[0].id, AnswerKind::kAccept);
  CHECK(again.outcome == AnswerOutcome::kAlreadyAnswered);
  auto r2 = w.Answer(a.callouts[1].id, AnswerKind::kAccept);
  CHECK(r2.outcome == AnswerOutcome::kRecorded);
  w.Idle();
  Activation got = w.Get(a.id);
  CHECK(got.state == ActivationState::kFilled);
  CHECK(got.callouts[2].state == CalloutState::kStoodDown);
  // The third person was told.
  CHECK(w.sms->Count(a.callouts[2].idempotency_key + "-standdown") == 1);
  CHECK(w.sms->Count(a.callouts[0].idempotency_key + "-standdown") == 0);
  auto late = w.Answer(a.callouts[2].id, AnswerKind::kAccept);
  CHECK(late.outcome == AnswerOutcome::kNoLongerNeeded);
  CHECK(w.Get(a.id).callouts[2].state == CalloutState::kStoodDown);
  AnswerRequest bad;
  bad.token = "0123456789abcdef0123456789abcdef";
  CHECK(w.dispatcher->Answer(bad).status().code() == Code::kNotFound);
  CHECK(w.Get(a.id).requirements[0].accepted == 2);
}

TEST_CASE("declines that leave too few to fill the slots ask the next best in a new wave",
          "[dispatch]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);  // asks 3 for 2 slots
  w.Idle();
  auto r = w.Answer(a.callouts[0].id, AnswerKind::kDecline);
  CHECK(r.outcome == AnswerOutcome::kRecorded);
  w.dispatcher->SweepNow();
  w.Idle();
  // Two still awaiting an answer can fill two slots: nobody more is asked.
  CHECK(w.Get(a.id).callouts.size() == 3);
  w.Answer(a.callouts[1].id, AnswerKind::kDecline);
  w.dispatcher->SweepNow();
  w.Idle();
  Activation got = w.Get(a.id);
  REQUIRE(got.callouts.size() > 3);
  std::set<int64_t> people;
  for (const auto& c : got.callouts) {
    CHECK(people.insert(c.candidate.reservist_id).second);  // nobody asked twice
    if (c.wave == 2) CHECK(c.state == CalloutState::kDelivered);
  }
  CHECK(w.Count(fmt::format("SELECT count(*) FROM waves WHERE activation_id = {}", a.id)) == 2);
}

TEST_CASE("when the answer deadline passes, the unanswered are marked and the next wave is asked",
          "[dispatch]") {
  World w(10);
  w.StartDispatcher();
  Activation a = w.Activate(2, /*answer_within=*/15);
  w.Idle();
  w.Answer(a.callouts[0].id, AnswerKind::kAccept);
  w.Advance(16 * 60 * 1000);
  w.dispatcher->SweepNow();
  w.Idle();
  Activation got = w.Get(a.id);
  int no_answer = 0, wave2 = 0;
  for (const auto& c : got.callouts) {
    no_answer += c.state == CalloutState::kNoAnswer;
    wave2 += c.wave == 2;
  }
  CHECK(no_answer == 2);
  CHECK(wave2 >= 1);
  CHECK(got.requirements[0].unreachable == 2);
  CHECK(got.state == ActivationState::kOpen);
}

TEST_CASE("a wave is closed in the store only once its unanswered call-outs are stored as such",
          "[dispatch]") {
  World w(10);
  w.StartDispatcher();
  Activation a = w.Activate(2, /*answer_within=*/15);
  w.Idle();
  // The database refuses "no answer" for a while: the deadline's changes
  // cannot be stored.
  w.Exec(
      "CREATE TRIGGER refuse_no_answer BEFORE UPDATE OF state ON callouts WHEN NEW.state = 7 "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  w.Advance(16 * 60 * 1000);
  // Else a restart would find call-outs awaiting an answer in a closed wave.
  CHECK(w.Count(fmt::format("SELECT closed FROM waves WHERE activation_id = {} AND wave = 1",
                            a.id)) == 0);
  CHECK(w.Count("SELECT count(*) FROM callouts WHERE state = 7") == 0);
  w.Exec("DROP TRIGGER refuse_no_answer");
  w.Advance(1000);  // the next sweep closes it
  w.Idle();
  CHECK(w.Count(fmt::format("SELECT closed FROM waves WHERE activation_id = {} AND wave = 1",
                            a.id)) == 1);
  Activation got = w.Get(a.id);
  int no_answer = 0, wave2 = 0;
  for (const auto& c : got.callouts) {
    no_answer += c.state == CalloutState::kNoAnswer;
    wave2 += c.wave == 2;
  }
  CHECK(no_answer == static_cast<int>(a.callouts.size()));
  CHECK(wave2 >= 1);  // the top-up put off while storing failed has happened
}

TEST_CASE("cancelling stands down everyone still in play, accepted included", "[dispatch]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  w.Answer(a.callouts[0].id, AnswerKind::kAccept);
  auto ended = w.dispatcher->End(a.id, ActivationState::kCancelled, "river fell");
  REQUIRE(ended.ok());
  CHECK(ended->state == ActivationState::kCancelled);
  w.Idle();
  for (const auto& c : w.Get(a.id).callouts) {
    CHECK(c.state == CalloutState::kStoodDown);
    CHECK(w.sms->Count(c.idempotency_key + "-standdown") == 1);
  }
  auto msgs = w.sms->Sent();
  bool reason = false;
  for (auto& m : msgs) reason |= m.text.find("river fell") != std::string::npos;
  CHECK(reason);
  CHECK(w.dispatcher->End(a.id, ActivationState::kStoodDown, "").status().code() ==
        Code::kFailedPrecondition);
}

TEST_CASE("delivery changes that cannot be stored at first are stored later, once and in order",
          "[dispatch]") {
  World w;
  w.StartDispatcher();
  // The database refuses delivered states for a while: the store writer's
  // batches fail and are taken back.
  w.Exec(
      "CREATE TRIGGER refuse_delivered BEFORE UPDATE OF state ON callouts WHEN NEW.state = 3 "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  Activation a = w.Activate(2);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (w.sms->Sent().size() < a.callouts.size() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(w.sms->Sent().size() == a.callouts.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // several flushes fail
  CHECK(w.Count("SELECT count(*) FROM callouts WHERE state = 3") == 0);
  CHECK_FALSE(w.dispatcher->WaitIdle(std::chrono::milliseconds(100)));
  w.Exec("DROP TRIGGER refuse_delivered");
  w.Idle();
  Activation got = w.Get(a.id);
  CHECK(States(got)[CalloutState::kDelivered] == static_cast<int>(a.callouts.size()));
  // One "delivered" event per call-out: nothing lost, nothing stored twice.
  CHECK(w.Count("SELECT count(*) FROM callout_events WHERE state = 3") ==
        static_cast<int64_t>(a.callouts.size()));
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE kind = 1 AND state = 2") ==
        static_cast<int64_t>(a.callouts.size()));
  // Answers after that are stored on top, not overwritten by the old batch.
  w.Answer(a.callouts[0].id, AnswerKind::kAccept);
  w.Idle();
  CHECK(w.Count(fmt::format("SELECT state FROM callouts WHERE id = {}", a.callouts[0].id)) == 5);
}

TEST_CASE("stand-downs that cannot be stored at first are stored and sent later", "[dispatch]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  // The database refuses stand-down rows for a while (as a full disk or a
  // locked file would): the cancel itself goes through.
  w.Exec(
      "CREATE TRIGGER refuse_standdowns BEFORE INSERT ON outbox WHEN NEW.kind = 2 "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  auto ended = w.dispatcher->End(a.id, ActivationState::kCancelled, "river fell");
  REQUIRE(ended.ok());
  CHECK(ended->state == ActivationState::kCancelled);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // sweeps keep failing
  CHECK_FALSE(w.dispatcher->WaitIdle(std::chrono::milliseconds(100)));
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE kind = 2") == 0);
  for (const auto& c : a.callouts) CHECK(w.sms->Count(c.idempotency_key + "-standdown") == 0);
  w.Exec("DROP TRIGGER refuse_standdowns");
  w.Idle();
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE kind = 2") ==
        static_cast<int64_t>(a.callouts.size()));
  for (const auto& c : w.Get(a.id).callouts) {
    CHECK(c.state == CalloutState::kStoodDown);
    CHECK(w.sms->Count(c.idempotency_key + "-standdown") == 1);
  }
}

TEST_CASE("an activation cancelled before the dispatcher takes it in calls nobody", "[dispatch]") {
  // Create hands its stored call-outs over for the dispatcher's Kick; a
  // cancel that gets in between withdraws their outbox rows, and Kick must
  // then go by the store, not by the stale hand-over.
  World w;
  w.StartDispatcher();
  auto made = w.manager->Create(World::Spec(2), "");
  REQUIRE(made.ok());
  const int64_t id = made->activation.id;
  auto ended = w.dispatcher->End(id, ActivationState::kCancelled, "false alarm");
  REQUIRE(ended.ok());
  REQUIRE(w.dispatcher->Kick(id).ok());
  w.Idle();
  for (const auto& m : w.sms->Sent()) CHECK(m.kind != notify::MessageKind::kCallout);
  CHECK(w.email->Sent().empty());
  for (const auto& c : w.Get(id).callouts) CHECK(c.state == CalloutState::kStoodDown);
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE state = 1") == 0);
}

TEST_CASE("pending messages survive a restart and go out with the same keys", "[dispatch]") {
  World w;
  w.sms->fallback = notify::SendOutcome::kRetry;
  w.limits.max_attempts = 1000;
  w.limits.backoff_initial_ms = 60000;
  w.limits.backoff_max_ms = 60000;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  // Wait until each got its first (failed) try.
  for (int i = 0; i < 200 && w.sms->Sent().size() < a.callouts.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  w.dispatcher.reset();  // "crash": nothing more is sent
  CHECK(w.Count("SELECT count(*) FROM outbox WHERE state = 1") == 3);
  w.sms->fallback = notify::SendOutcome::kDelivered;
  w.StartDispatcher();
  w.Idle();
  for (const auto& c : w.Get(a.id).callouts) {
    CHECK(c.state == CalloutState::kDelivered);
    CHECK(w.sms->Count(c.idempotency_key) == 2);  // the failed try, then the resend
  }
}

TEST_CASE("the per-person cap stops anyone being flooded across activations", "[dispatch]") {
  World w(1);
  w.options.per_person_hourly_cap = 2;
  w.StartDispatcher();
  std::vector<Activation> acts;
  for (int i = 0; i < 3; ++i) {
    ActivationSpec spec;
    spec.title = fmt::format("incident {}", i);
    spec.lat = kLat;
    spec.lon = kLon;
    spec.radius_km = 30;
    spec.start_unix = kStart + i * 86400;  // not overlapping
    spec.duration_minutes = 60;
    spec.requirements = {{"first_aid", 1, 1}};
    auto made = w.manager->Create(spec, "");
    REQUIRE(made.ok());
    REQUIRE(w.dispatcher->Kick(made->activation.id).ok());
    w.Idle();
    acts.push_back(made->activation);
  }
  CHECK(w.Get(acts[0].id).callouts[0].state == CalloutState::kDelivered);
  CHECK(w.Get(acts[1].id).callouts[0].state == CalloutState::kDelivered);
  Callout third = w.Get(acts[2].id).callouts[0];
  CHECK(third.state == CalloutState::kFailed);
  CHECK(third.last_error.find("per-person cap") != std::string::npos);
  CHECK(w.sms->Sent().size() == 2);
}

TEST_CASE("answer links: GET only shows a confirm page, POST records, bad tokens get 404",
          "[dispatch][http]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  AnswerPages pages(*w.dispatcher);
  std::string token = w.Token(a.callouts[0].id);
  http::Request get = Req("GET", "/r/" + token + "/accept");
  http::Response page = pages.Handle(get);
  CHECK(page.status == 200);
  CHECK(page.body.find("<form method=\"post\">") != std::string::npos);
  // Pages under secret URLs are neither cached nor passed on as a Referer.
  auto header = [](const http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  CHECK(header(page, "Cache-Control") == "no-store");
  CHECK(header(page, "Referrer-Policy") == "no-referrer");
  http::Response unknown = pages.Handle(Req("GET", "/r/nothex/accept"));
  CHECK(header(unknown, "Cache-Control") == "no-store");
  CHECK(header(unknown, "Referrer-Policy") == "no-referrer");
  CHECK(w.Get(a.id).callouts[0].state == CalloutState::kDelivered);  // nothing recorded
  http::Request post = Req("POST", "/r/" + token + "/accept");
  page = pages.Handle(post);
  CHECK(page.status == 200);
  CHECK(page.body.find("confirmed") != std::string::npos);
  CHECK(w.Get(a.id).callouts[0].state == CalloutState::kAccepted);
  CHECK(pages.Handle(Req("POST", "/r/0123456789abcdef0123456789abcdef/accept")).status == 404);
  // A well-formed token that answers nothing gets the same 404 on GET.
  CHECK(pages.Handle(Req("GET", "/r/0123456789abcdef0123456789abcdef/accept")).status == 404);
  CHECK(pages.Handle(Req("HEAD", "/r/0123456789abcdef0123456789abcdef/decline")).status == 404);
  CHECK(pages.Handle(Req("POST", "/r/nothex/accept")).status == 404);
  CHECK(pages.Handle(Req("POST", "/r/" + token + "/maybe")).status == 404);
  CHECK(pages.Handle(Req("PUT", "/r/" + token + "/accept")).status == 405);
  CHECK(pages.Handle(Req("GET", "/elsewhere")).status == 404);
}

// A request as a gateway signing with the generic HMAC-SHA256 would send it.
http::Request Signed(const std::string& path, const std::string& content_type,
                     const std::string& body, const std::string& secret = "s3cret") {
  http::Request r = Req("POST", path, content_type, body);
  r.headers["x-muster-signature"] = notify::HmacSha256Signature(secret, body);
  r.remote_address = "127.0.0.1:40000";
  return r;
}

AnswerPagesOptions GatewayOptions() {
  AnswerPagesOptions o;
  o.public_url = "https://muster.example.org";
  auto checks =
      notify::SmsCallbackChecks({NotifierSpec{"gw",
                                              "sms",
                                              {{"url", std::string("https://gw.example/send")},
                                               {"callback_signature", std::string("hmac-sha256")},
                                               {"callback_secret", std::string("s3cret")}}}});
  REQUIRE(checks.ok());
  o.sms_callbacks = std::move(checks).value();
  return o;
}

TEST_CASE("SMS replies answer the number's latest call-out, name nobody, only from the gateway",
          "[dispatch][http]") {
  World w;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  w.Idle();
  AnswerPages pages(*w.dispatcher, GatewayOptions());
  // fa2's phone (reservist ids follow insertion order).
  const Callout* fa2 = nullptr;
  for (const auto& c : a.callouts) {
    if (c.reservist_name == "fa2") fa2 = &c;
  }
  REQUIRE(fa2 != nullptr);
  auto fa2_state = [&] {
    for (const auto& c : w.Get(a.id).callouts) {
      if (c.id == fa2->id) return c.state;
    }
    return CalloutState::kQueued;
  };
  const std::string yes = "from=%2B447700900002&text=yes+please";
  const std::string form = "application/x-www-form-urlencoded";

  // Unsigned, wrongly signed, or signed for another body: refused, nothing recorded.
  CHECK(pages.Handle(Req("POST", "/sms/inbound", form, yes)).status == 403);
  CHECK(pages.Handle(Signed("/sms/inbound", form, yes, "guess")).status == 403);
  http::Request moved = Signed("/sms/inbound", form, "from=%2B447700900002&text=no");
  moved.body = yes;
  CHECK(pages.Handle(moved).status == 403);
  CHECK(fa2_state() == CalloutState::kDelivered);
  // With no gateway configured, even a signed callback is refused.
  AnswerPages unconfigured(*w.dispatcher);
  CHECK(unconfigured.Handle(Signed("/sms/inbound", form, yes)).status == 403);
  CHECK(fa2_state() == CalloutState::kDelivered);

  http::Response r = pages.Handle(Signed("/sms/inbound", form, yes));
  CHECK(r.status == 200);
  CHECK(r.body.find("confirmed") != std::string::npos);
  CHECK(r.body.find("fa2") == std::string::npos);       // no name
  CHECK(r.body.find("incident") == std::string::npos);  // no incident
  CHECK(fa2_state() == CalloutState::kAccepted);
  r = pages.Handle(
      Signed("/sms/inbound", "application/json", R"({"from":"+447700900002","text":"maybe"})"));
  CHECK(r.body.find("reply YES") != std::string::npos);
  // Twilio-style field names are understood too.
  r = pages.Handle(Signed("/sms/inbound", form, "From=%2B447700900001&Body=No"));
  CHECK(r.status == 200);
  CHECK(r.body.find("fa1") == std::string::npos);
  // An unknown number learns nothing: the same reply as a known one with
  // nothing waiting.
  std::string unknown = pages
                            .Handle(Signed("/sms/inbound", "application/json",
                                           R"({"from":"+449999999999","text":"yes"})"))
                            .body;
  std::string known_idle = pages
                               .Handle(Signed("/sms/inbound", "application/json",
                                              R"({"from":"+447700900001","text":"yes"})"))
                               .body;
  CHECK(unknown.find("no call-out") != std::string::npos);
  CHECK(unknown == known_idle);

  // A Twilio-signed reply gets its answer back as TwiML.
  AnswerPagesOptions twilio_options;
  twilio_options.public_url = "https://muster.example.org";
  auto checks = notify::SmsCallbackChecks(
      {NotifierSpec{"twilio",
                    "sms",
                    {{"url", std::string("https://api.twilio.example/Messages.json")},
                     {"callback_signature", std::string("twilio")},
                     {"callback_secret", std::string("auth-token")}}}});
  REQUIRE(checks.ok());
  twilio_options.sms_callbacks = std::move(checks).value();
  AnswerPages twilio(*w.dispatcher, std::move(twilio_options));
  http::Request t = Req("POST", "/sms/inbound", form, "From=%2B449999999999&Body=yes&To=%2B44");
  t.headers["x-twilio-signature"] =
      notify::TwilioSignature("auth-token", "https://muster.example.org/sms/inbound", t.body);
  r = twilio.Handle(t);
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/xml");
  CHECK(r.body.find("<Response><Message>There is no call-out") != std::string::npos);
  t.headers["x-twilio-signature"] =
      notify::TwilioSignature("auth-token", "https://muster.example.org/elsewhere", t.body);
  CHECK(twilio.Handle(t).status == 403);
}

TEST_CASE("SMS receipts name messages by an unguessable reference, the same on a resend",
          "[dispatch][http]") {
  World w;
  {
    // Everyone's first try fails, so each message is sent twice.
    std::lock_guard l(w.sms->mu);
    for (int r = 1; r <= 6; ++r) {
      w.sms->per_key[fmt::format("muster-a1-r{}", r)] = {notify::SendOutcome::kRetry};
    }
  }
  w.StartDispatcher();
  Activation a = w.Activate(2);
  for (int i = 0; i < 20 && !w.dispatcher->WaitIdle(std::chrono::milliseconds(50)); ++i) {
    w.Advance(1000);
  }
  w.Idle();
  AnswerPages pages(*w.dispatcher, GatewayOptions());
  auto sent = w.sms->Sent();
  REQUIRE(sent.size() == 2 * a.callouts.size());
  std::map<std::string, std::set<std::string>> refs;  // key -> references sent under it
  for (const auto& m : sent) refs[m.idempotency_key].insert(m.receipt_reference);
  for (const auto& [key, r] : refs) {
    INFO(key);
    REQUIRE(r.size() == 1);  // a resend carries the same reference
    CHECK(r.begin()->size() > 32);
    CHECK(r.begin()->find("muster-a") == std::string::npos);
  }
  CHECK(w.sms->Count(a.callouts[0].idempotency_key) == 2);
  const Callout& first = a.callouts[0];
  std::string ref = *refs.at(first.idempotency_key).begin();
  CHECK(ref == ReceiptReference(a.id, first.id, w.Token(first.id), MessageRole::kCallout));
  CHECK_THAT(ref, Catch::StartsWith(fmt::format("{}-{}-", a.id, first.id)));

  auto receipt = [&](const std::string& reference, bool sign = true) {
    std::string body = R"({"reference":")" + reference + R"(","status":"DELIVRD"})";
    http::Request req = sign ? Signed("/sms/receipt", "application/json", body)
                             : Req("POST", "/sms/receipt", "application/json", body);
    return pages.Handle(req).status;
  };
  // The guessable idempotency key is no reference.
  CHECK(receipt(first.idempotency_key) == 404);
  CHECK(receipt(fmt::format("muster-a{}-r{}", a.id, first.candidate.reservist_id)) == 404);
  CHECK(receipt("nope") == 404);
  CHECK(receipt(ref, false) == 403);  // unsigned
  CHECK(receipt(ref) == 200);
  CHECK(receipt(ref + "-standdown") == 200);  // known, changes nothing
  CHECK(receipt(ref + "x") == 404);
  // The right ids with any other mac are refused.
  std::string forged = ref;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK(receipt(forged) == 404);
  CHECK(receipt(fmt::format("{}-{}-", a.id, first.id)) == 404);
  // Twilio passes the reference in the status-callback URL's query.
  http::Request q = Signed("/sms/receipt", "application/x-www-form-urlencoded",
                           "MessageSid=SM1&MessageStatus=delivered");
  q.target = "/sms/receipt?reference=" + ref;
  q.query["reference"] = ref;
  CHECK(pages.Handle(q).status == 200);
}

TEST_CASE("HtmlEscape", "[dispatch][http]") {
  CHECK(HtmlEscape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST_CASE("each call-out message says how far the reservist lives from the activation",
          "[dispatch]") {
  World w(10);  // fa<i> lives i km east of the activation's centre
  w.StartDispatcher();
  Activation a = w.Activate(2);  // asks 3 (the selection the create hands over)
  w.Idle();
  // Two declines: a second wave (read back from the store) asks more.
  w.Answer(a.callouts[0].id, AnswerKind::kDecline);
  w.Answer(a.callouts[1].id, AnswerKind::kDecline);
  w.dispatcher->SweepNow();
  w.Idle();
  auto sent = w.sms->Sent();
  REQUIRE(sent.size() > a.callouts.size());
  for (const auto& m : sent) {
    INFO(m.text);
    int km = std::stoi(m.reservist_name.substr(2));
    CHECK(m.text.find(fmt::format(", {}.0 km from you,", km)) != std::string::npos);
  }
}

namespace {

// Moves the manual clock on in steps, letting due work run after each.
void AdvanceInSteps(World& w, int steps, int64_t step_ms) {
  for (int i = 0; i < steps; ++i) {
    w.Advance(step_ms);
    w.dispatcher->WaitIdle(std::chrono::milliseconds(5));
  }
}

}  // namespace

TEST_CASE("max_attempts holds while the circuit breaker opens and closes: spent messages fail",
          "[dispatch]") {
  World w(10);
  w.options.routes = {{ChannelKind::kSms, {"sms"}}};  // one channel per person
  w.limits.max_attempts = 3;
  w.limits.breaker_failures = 1;      // every failure opens it...
  w.limits.breaker_cooldown_ms = 30;  // ...for less than a backoff
  w.sms->fallback = notify::SendOutcome::kRetry;
  w.StartDispatcher();
  Activation a = w.Activate(2);
  AdvanceInSteps(w, 100, 10);
  Activation got = w.Get(a.id);
  REQUIRE(got.callouts.size() > a.callouts.size());  // the failed were replaced
  for (const auto& c : got.callouts) {
    INFO(c.idempotency_key);
    CHECK(w.sms->Count(c.idempotency_key) <= 3);
    if (c.wave == 1) {
      CHECK(c.state == CalloutState::kFailed);
      CHECK_THAT(c.last_error, Catch::StartsWith("every channel failed; last: sms: "));
    }
  }
}

TEST_CASE(
    "a resting backend does not hold messages: they fail on their own schedule, are "
    "replaced, and one probe tests the backend when the rest ends",
    "[dispatch]") {
  World w(10);
  w.options.routes = {{ChannelKind::kSms, {"sms"}}};
  w.limits.max_attempts = 3;
  w.limits.breaker_failures = 2;
  w.limits.breaker_cooldown_ms = 60000;
  w.sms->fallback = notify::SendOutcome::kRetry;  // e.g. a receiver that only times out
  w.StartDispatcher();
  Activation a = w.Activate(2);
  // A second's worth of backoffs, far less than the rest: everyone asked is
  // failed and replaced (and the replacements too) without waiting for it.
  AdvanceInSteps(w, 100, 10);
  Activation got = w.Get(a.id);
  REQUIRE(got.callouts.size() == 10);  // everyone on the roster was asked
  for (const auto& c : got.callouts) {
    INFO(c.idempotency_key);
    CHECK(c.state == CalloutState::kFailed);
    CHECK(w.sms->Count(c.idempotency_key) <= 3);
  }
}

TEST_CASE("after a rest one probe goes first and the others follow once it succeeds",
          "[dispatch]") {
  World w(10);
  w.options.routes = {{ChannelKind::kSms, {"sms"}}};
  w.limits.max_attempts = 1000;
  w.limits.breaker_failures = 1;
  w.limits.breaker_cooldown_ms = 1000;
  w.sms->fallback = notify::SendOutcome::kRetry;
  w.StartDispatcher();
  Activation a = w.Activate(2);  // 3 asked
  AdvanceInSteps(w, 50, 10);     // the breaker opened at the first failure
  size_t resting = w.sms->Sent().size();
  CHECK(resting <= a.callouts.size());  // only the first sends; nothing while it rests
  AdvanceInSteps(w, 60, 10);            // past the rest: one probe, failed, rests again
  CHECK(w.sms->Sent().size() == resting + 1);
  w.sms->fallback = notify::SendOutcome::kDelivered;
  AdvanceInSteps(w, 110, 10);  // the next probe succeeds and everyone follows
  w.Idle();
  for (const auto& c : w.Get(a.id).callouts) CHECK(c.state == CalloutState::kDelivered);
}

namespace {

// A notifier that answers after `latency_ms` of real time, failing the first
// try of every message; records when each try started (steady clock).
class SlowFirstFailNotifier : public notify::Notifier {
 public:
  SlowFirstFailNotifier(boost::asio::any_io_executor ex, int latency_ms)
      : ex_(ex), latency_ms_(latency_ms) {}
  void Send(const notify::Message& m, std::function<void(notify::SendResult)> done) override {
    bool first;
    {
      std::lock_guard l(mu_);
      auto& t = tries_[m.idempotency_key];
      t.push_back(std::chrono::steady_clock::now());
      first = t.size() == 1;
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(ex_);
    timer->expires_after(std::chrono::milliseconds(latency_ms_));
    timer->async_wait([timer, done, first](const boost::system::error_code&) {
      done({first ? notify::SendOutcome::kRetry : notify::SendOutcome::kDelivered,
            first ? "first try fails" : "", ""});
    });
  }
  // Per message: ms from the first try's answer to the second try.
  std::vector<double> FirstRetryDelays() {
    std::lock_guard l(mu_);
    std::vector<double> out;
    for (auto& [key, t] : tries_) {
      if (t.size() < 2) continue;
      out.push_back(std::chrono::duration<double, std::milli>(t[1] - t[0]).count() - latency_ms_);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Whether every first try started before any second try did.
  bool FirstTriesBeforeRetries() {
    std::lock_guard l(mu_);
    auto last_first = std::chrono::steady_clock::time_point::min();
    auto first_retry = std::chrono::steady_clock::time_point::max();
    for (auto& [key, t] : tries_) {
      last_first = std::max(last_first, t[0]);
      if (t.size() > 1) first_retry = std::min(first_retry, t[1]);
    }
    return last_first <= first_retry;
  }

 private:
  boost::asio::any_io_executor ex_;
  int latency_ms_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> tries_;
};

}  // namespace

namespace {

struct RetryRun {
  std::vector<double> delays;  // first retry after its failure, ms, sorted
  bool first_tries_first = false;
  size_t asked = 0;
};

// Asks 78 through one backend answering in 20 ms, which fails every first
// try; the clock runs in real time, so the retries' timers are real.
RetryRun MeasureFirstRetries(int concurrency) {
  World w(120);
  w.options.routes = {{ChannelKind::kSms, {"slow"}}};
  struct Ticker {
    std::atomic<bool> stop{false};
    std::thread thread;
    ~Ticker() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } ticker;
  ticker.thread = std::thread([&] {
    auto start = std::chrono::steady_clock::now();
    int64_t base = w.clock.NowMs();
    while (!ticker.stop) {
      w.clock.Set(base + std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count());
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  SlowFirstFailNotifier* slow = nullptr;
  notify::BackendLimits limits;
  limits.concurrency = concurrency;
  limits.backoff_initial_ms = 200;
  limits.backoff_max_ms = 200;
  limits.breaker_failures = 1000;
  auto d = Dispatcher::Start(w.dir.File("m.db"), *w.manager, *w.store, w.clock, w.options,
                             [&](boost::asio::any_io_executor ex) -> Result<std::vector<Backend>> {
                               auto n = std::make_unique<SlowFirstFailNotifier>(ex, 20);
                               slow = n.get();
                               std::vector<Backend> out;
                               out.push_back({"slow", std::move(n), limits});
                               return out;
                             });
  REQUIRE(d.ok());
  w.dispatcher = std::move(d).value();
  auto made = w.manager->Create(World::Spec(52), "");  // x1.5: 78 asked
  REQUIRE(made.ok());
  REQUIRE(w.dispatcher->Kick(made->activation.id).ok());
  RetryRun run;
  run.asked = made->activation.callouts.size();
  REQUIRE(w.dispatcher->WaitIdle(std::chrono::seconds(30)));
  run.delays = slow->FirstRetryDelays();
  run.first_tries_first = slow->FirstTriesBeforeRetries();
  return run;
}

}  // namespace

TEST_CASE(
    "first retries follow the backoff when the backend has free slots, "
    "and wait behind earlier messages when it has none",
    "[dispatch][timing]") {
  SECTION("32 slots: every retry on time (backoff 200 ms +-20%)") {
    RetryRun run = MeasureFirstRetries(32);
    REQUIRE(run.asked == 78);
    REQUIRE(run.delays.size() == run.asked);
    double median = run.delays[run.delays.size() / 2];
    UNSCOPED_INFO("first retry after its failure: min " << run.delays.front() << " ms, median "
                                                        << median << " ms, max "
                                                        << run.delays.back() << " ms");
    CHECK(run.delays.front() >= 0.8 * 200 - 5);
    CHECK(median <= 200 + 20);
    CHECK(run.delays.back() <= 1.2 * 200 + 50);
  }
  SECTION("4 slots: retries queue behind the first tries still waiting (docs/delivery.md)") {
    RetryRun run = MeasureFirstRetries(4);
    REQUIRE(run.delays.size() == run.asked);
    CHECK(run.first_tries_first);
    CHECK(run.delays.front() >= 0.8 * 200 - 5);
    UNSCOPED_INFO("first retry after its failure: min "
                  << run.delays.front() << " ms, median " << run.delays[run.delays.size() / 2]
                  << " ms, max " << run.delays.back() << " ms");
  }
}

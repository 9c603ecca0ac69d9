// ActivationManager over the real SQLite stores and the in-memory index, with
// a hand-built roster whose expected selection can be worked out by hand.
#include "activation/activation_manager.h"

// RAND_set_rand_method (deprecated in OpenSSL 3, still honoured by
// RAND_bytes) lets a test make the random generator fail.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <fmt/format.h>
#include <openssl/rand.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "activation/sqlite_activation_store.h"
#include "core/clock.h"
#include "ranking/roster_index.h"
#include "store/sqlite_db.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

// 2026-12-01T18:00:00Z, a Tuesday.
constexpr int64_t kStart = 1796148000;
constexpr double kLat = 51.9925, kLon = -2.1580;  // Tewkesbury

struct World {
  testing::TempDir dir;
  ManualClock clock{(kStart - 3600) * 1000};
  std::unique_ptr<SqliteRosterStore> roster;
  std::unique_ptr<RosterIndex> index;
  std::unique_ptr<SqliteActivationStore> store;
  std::unique_ptr<ActivationManager> manager;

  World() { Open(true); }

  void Open(bool seed) {
    SqliteStoreOptions opts;
    opts.now_ms = [this] { return clock.NowMs(); };
    auto r = SqliteRosterStore::Open(dir.File("m.db"), opts);
    REQUIRE(r.ok());
    roster = std::move(r).value();
    if (seed) Seed();
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

  void Close() {
    manager.reset();
    store.reset();
    index.reset();
    roster.reset();
  }

  // Reservists east of Tewkesbury at 1, 2, 3... km (0.01467 degrees of
  // longitude is about 1 km at this latitude).
  void Add(const std::string& name, double km_east, std::vector<SkillHolding> skills) {
    Reservist r;
    r.name = name;
    r.external_id = name;
    r.home_area = "gloucestershire";
    r.lat = kLat;
    r.lon = kLon + km_east * 0.01467;
    r.max_travel_km = 50;
    r.channels = {{ChannelKind::kWebhook, "https://hooks.example.org/" + name},
                  {ChannelKind::kSms, "+447700900123"}};
    r.skills = std::move(skills);
    REQUIRE(roster->UpsertReservist(r).ok());
  }

  void Seed() {
    REQUIRE(roster->UpsertSkill({"first_aid", "First aid", 1, 3}).ok());
    REQUIRE(roster->UpsertSkill({"driver_4x4", "4x4 driver", 1, 2}).ok());
    Add("fa1", 1, {{"first_aid", 2, "", std::nullopt}});
    Add("fa2", 2, {{"first_aid", 2, "", std::nullopt}});
    Add("fa3", 3, {{"first_aid", 2, "", std::nullopt}});
    Add("both", 4, {{"first_aid", 2, "", std::nullopt}, {"driver_4x4", 1, "", std::nullopt}});
    Add("dr1", 5, {{"driver_4x4", 1, "", std::nullopt}});
    Add("far", 80, {{"first_aid", 3, "", std::nullopt}});
    Add("expired", 1.5, {{"first_aid", 3, "", ParseDate("2026-11-30")}});
  }
};

ActivationSpec Spec(std::vector<Requirement> reqs) {
  ActivationSpec s;
  s.title = "Tewkesbury flooding";
  s.lat = kLat;
  s.lon = kLon;
  s.radius_km = 30;
  s.start_unix = kStart;
  s.duration_minutes = 12 * 60;
  s.requirements = std::move(reqs);
  return s;
}

std::vector<std::string> Names(const Activation& a) {
  std::vector<std::string> out;
  for (const auto& c : a.callouts) out.push_back(c.reservist_name);
  return out;
}

}  // namespace

TEST_CASE("create ranks, selects and stores the first wave", "[activation]") {
  World w;
  // 2 first aiders -> ask ceil(2 * 1.5) = 3; 1 driver -> ask 2. Drivers are
  // scarcer (2 eligible / 1), so they are filled first and take "both".
  auto out = w.manager->Create(Spec({{"first_aid", 1, 2}, {"driver_4x4", 1, 1}}), "key-1");
  REQUIRE(out.ok());
  CHECK(out->created);
  const Activation& a = out->activation;
  CHECK(a.id > 0);
  CHECK(a.state == ActivationState::kOpen);
  REQUIRE(a.requirements.size() == 2);
  CHECK(a.requirements[0].eligible == 4);  // fa1 fa2 fa3 both (expired, far excluded)
  CHECK(a.requirements[0].asked == 3);
  CHECK(a.requirements[1].eligible == 2);
  CHECK(a.requirements[1].asked == 2);
  CHECK(Names(a) == std::vector<std::string>{"fa1", "fa2", "fa3", "both", "dr1"});
  CHECK(a.callouts[0].candidate.rank == 1);
  CHECK(a.callouts[0].candidate.distance_km == Approx(1.0).epsilon(0.01));
  CHECK(a.callouts[0].idempotency_key ==
        fmt::format("muster-a{}-r{}", a.id, a.callouts[0].candidate.reservist_id));
  REQUIRE(a.history.size() == 1);
  CHECK(a.history[0].state == ActivationState::kOpen);

  auto again = w.manager->Get(a.id);
  REQUIRE(again.ok());
  CHECK(Names(*again) == Names(a));
  CHECK(again->callouts[2].candidate.score == a.callouts[2].candidate.score);
}

TEST_CASE("every call-out gets its own 128-bit answer token and channel snapshot", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"first_aid", 1, 2}, {"driver_4x4", 1, 1}}), "");
  REQUIRE(out.ok());
  auto db = SqliteDb::Open(w.dir.File("m.db"), SqliteDbOptions());
  REQUIRE(db.ok());
  auto tokens = (*db)->QueryTexts("SELECT answer_token FROM callouts ORDER BY id");
  REQUIRE(tokens.ok());
  REQUIRE(tokens->size() == out->activation.callouts.size());
  std::set<std::string> distinct(tokens->begin(), tokens->end());
  CHECK(distinct.size() == tokens->size());
  for (const std::string& t : *tokens) CHECK(std::regex_match(t, std::regex("[0-9a-f]{32}")));
  // The reservist's channels as "kind<TAB>address" lines, in preference order.
  auto channels = (*db)->QueryTexts(
      "SELECT c.channels = (SELECT group_concat(kind || char(9) || address, char(10)) FROM "
      "(SELECT kind, address FROM reservist_channels WHERE reservist_id = c.reservist_id "
      "ORDER BY position)) FROM callouts c");
  REQUIRE(channels.ok());
  CHECK(*channels == std::vector<std::string>(tokens->size(), "1"));
  auto first = (*db)->QueryTexts("SELECT channels FROM callouts ORDER BY id LIMIT 1");
  REQUIRE(first.ok());
  CHECK((*first)[0] == "3\thttps://hooks.example.org/" +
                           out->activation.callouts[0].reservist_name + "\n1\t+447700900123");
}

TEST_CASE("a failing random generator fails the create with a status, storing nothing",
          "[activation]") {
  World w;
  static const RAND_METHOD kFailing = {
      nullptr,                                // seed
      [](unsigned char*, int) { return 0; },  // bytes: always fails
      nullptr,                                // cleanup
      nullptr,                                // add
      [](unsigned char*, int) { return 0; },  // pseudorand
      [] { return 1; },                       // status
  };
  REQUIRE(RAND_set_rand_method(&kFailing) == 1);
  auto out = w.manager->Create(Spec({{"first_aid", 1, 2}}), "no-entropy");
  RAND_set_rand_method(nullptr);  // the default generator again
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == Code::kInternal);
  CHECK_THAT(out.status().message(), Catch::Contains("RAND_bytes"));
  auto all = w.manager->List(std::nullopt, 0, 10);
  REQUIRE(all.ok());
  CHECK(all->empty());
  // With randomness back, the same key creates it.
  CHECK(w.manager->Create(Spec({{"first_aid", 1, 2}}), "no-entropy").ok());
}

TEST_CASE("the same idempotency key returns the same activation", "[activation]") {
  World w;
  auto spec = Spec({{"first_aid", 1, 1}});
  auto first = w.manager->Create(spec, "storm-7");
  REQUIRE(first.ok());
  auto second = w.manager->Create(spec, "storm-7");
  REQUIRE(second.ok());
  CHECK_FALSE(second->created);
  CHECK(second->activation.id == first->activation.id);
  CHECK(Names(second->activation) == Names(first->activation));

  auto other = spec;
  other.radius_km = 20;
  auto clash = w.manager->Create(other, "storm-7");
  CHECK(clash.status().code() == Code::kAlreadyExists);
  CHECK(clash.status().field() == "idempotency_key");
  auto all = w.manager->List(std::nullopt, 0, 10);
  REQUIRE(all.ok());
  CHECK(all->size() == 1);
}

TEST_CASE("bad specs are refused naming the field, and nothing is stored", "[activation]") {
  World w;
  struct Case {
    std::function<void(ActivationSpec&)> mutate;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](ActivationSpec& s) { s.radius_km = 0; }, "radius_km"},
      {[](ActivationSpec& s) { s.radius_km = 1001; }, "radius_km"},
      {[](ActivationSpec& s) { s.duration_minutes = 0; }, "duration_minutes"},
      {[](ActivationSpec& s) { s.start_unix = kStart - 3 * 86400; }, "start"},
      {[](ActivationSpec& s) { s.requirements[0].count = 0; }, "requirements[0].count"},
      {[](ActivationSpec& s) { s.requirements[0].skill = "juggling"; }, "requirements[0].skill"},
      {[](ActivationSpec& s) { s.requirements[0].min_level = 4; }, "requirements[0].min_level"},
      {[](ActivationSpec& s) { s.requirements.clear(); }, "requirements"},
      {[](ActivationSpec& s) { s.title = ""; }, "title"},
      {[](ActivationSpec& s) { s.lat = 91; }, "lat"},
      {[](ActivationSpec& s) { s.answer_within_minutes = 2000; }, "answer_within_minutes"},
  };
  for (const auto& c : cases) {
    auto spec = Spec({{"first_aid", 1, 2}});
    c.mutate(spec);
    auto out = w.manager->Create(spec, "");
    INFO(c.field);
    CHECK(out.status().code() == Code::kInvalidArgument);
    CHECK(out.status().field() == c.field);
    CHECK(w.manager->Preview(spec).status().field() == c.field);
  }
  CHECK(w.manager->List(std::nullopt, 0, 10)->empty());
}

TEST_CASE("a requirement may ask for up to 100,000 people, not more", "[activation]") {
  // The limit is checked by the request (InvalidArgument) and the schema
  // agrees with it (0009): the largest count is stored, not refused by SQLite.
  World w;
  auto most = w.manager->Create(Spec({{"first_aid", 1, kMaxRequirementCount}}), "");
  REQUIRE(most.ok());
  CHECK(most->activation.requirements[0].requirement.count == 100000);
  CHECK(most->activation.requirements[0].shortfall == 100000 - 4);
  auto stored = w.manager->Get(most->activation.id);
  REQUIRE(stored.ok());
  CHECK(stored->requirements[0].requirement.count == 100000);
  auto too_many = w.manager->Create(Spec({{"first_aid", 1, kMaxRequirementCount + 1}}), "");
  CHECK(too_many.status().code() == Code::kInvalidArgument);
  CHECK(too_many.status().field() == "requirements[0].count");
}

TEST_CASE("too few eligible is a shortfall, not an error", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"driver_4x4", 1, 5}}), "");
  REQUIRE(out.ok());
  CHECK(out->activation.requirements[0].eligible == 2);
  CHECK(out->activation.requirements[0].shortfall == 3);
  CHECK(out->activation.callouts.size() == 2);
}

TEST_CASE("people asked on an overlapping activation are busy", "[activation]") {
  World w;
  auto first = w.manager->Create(Spec({{"first_aid", 1, 1}}), "");  // asks fa1, fa2
  REQUIRE(first.ok());
  CHECK(Names(first->activation) == std::vector<std::string>{"fa1", "fa2"});
  auto overlapping = w.manager->Create(Spec({{"first_aid", 1, 1}}), "");
  REQUIRE(overlapping.ok());
  CHECK(Names(overlapping->activation) == std::vector<std::string>{"fa3", "both"});

  auto explained = w.manager->Explain(overlapping->activation.id,
                                      first->activation.callouts[0].candidate.reservist_id);
  REQUIRE(explained.ok());
  CHECK_FALSE(explained->selected);
  CHECK(explained->reason.find(fmt::format("activation {}", first->activation.id)) !=
        std::string::npos);

  auto later = Spec({{"first_aid", 1, 1}});
  later.start_unix += 86400;  // the next day: no overlap
  auto next_day = w.manager->Create(later, "");
  REQUIRE(next_day.ok());
  CHECK(Names(next_day->activation).front() == "fa1");

  // Cancelling frees them.
  REQUIRE(w.manager->Cancel(first->activation.id, "false alarm").ok());
  auto after_cancel = w.manager->Preview(Spec({{"first_aid", 1, 1}}));
  REQUIRE(after_cancel.ok());
  CHECK(Names(*after_cancel) == std::vector<std::string>{"fa1", "fa2"});
}

TEST_CASE("cancel records the change — a second cancel is refused", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"first_aid", 1, 1}}), "");
  REQUIRE(out.ok());
  w.clock.Advance(60000);
  auto cancelled = w.manager->Cancel(out->activation.id, "river level falling");
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state == ActivationState::kCancelled);
  REQUIRE(cancelled->history.size() == 2);
  CHECK(cancelled->history[1].reason == "river level falling");
  CHECK(cancelled->history[1].at_ms == cancelled->history[0].at_ms + 60000);
  auto again = w.manager->Cancel(out->activation.id, "");
  CHECK(again.status().code() == Code::kFailedPrecondition);
  CHECK(w.manager->Cancel(999, "").status().code() == Code::kNotFound);
  auto open = w.manager->List(ActivationState::kOpen, 0, 10);
  CHECK(open->empty());
}

TEST_CASE("explain gives score parts for the selected and the rule for others", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"first_aid", 1, 1}}), "");
  REQUIRE(out.ok());
  const auto& first = out->activation.callouts[0].candidate;
  auto sel = w.manager->Explain(out->activation.id, first.reservist_id);
  REQUIRE(sel.ok());
  CHECK(sel->selected);
  CHECK(sel->candidate.score == first.score);

  auto expired = w.roster->GetReservistByExternalId("expired");
  auto why = w.manager->Explain(out->activation.id, expired->id);
  REQUIRE(why.ok());
  CHECK_FALSE(why->selected);
  CHECK(why->reason.find("expired 2026-11-30") != std::string::npos);

  auto far = w.roster->GetReservistByExternalId("far");
  why = w.manager->Explain(out->activation.id, far->id);
  CHECK(why->reason.find("radius") != std::string::npos);

  CHECK(w.manager->Explain(out->activation.id, 424242).status().code() == Code::kNotFound);
}

TEST_CASE("activations and selections survive a restart", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"first_aid", 1, 2}, {"driver_4x4", 1, 1}}), "k");
  REQUIRE(out.ok());
  w.Close();
  w.Open(false);
  CHECK(w.index->size() == 7);
  auto again = w.manager->Get(out->activation.id);
  REQUIRE(again.ok());
  CHECK(Names(*again) == Names(out->activation));
  auto same = w.manager->Create(Spec({{"first_aid", 1, 2}, {"driver_4x4", 1, 1}}), "k");
  REQUIRE(same.ok());
  CHECK_FALSE(same->created);
}

TEST_CASE("an open activation whose window ends expires, freeing its people", "[activation]") {
  World w;
  auto out = w.manager->Create(Spec({{"first_aid", 1, 1}}), "");
  REQUIRE(out.ok());
  auto cancelled = w.manager->Create(Spec({{"driver_4x4", 1, 1}}), "");
  REQUIRE(cancelled.ok());
  REQUIRE(w.manager->Cancel(cancelled->activation.id, "").ok());
  // Still open one second before the end.
  w.clock.Set((kStart + 12 * 3600 - 1) * 1000);
  CHECK(w.manager->Get(out->activation.id)->state == ActivationState::kOpen);
  w.clock.Set((kStart + 12 * 3600) * 1000);
  auto a = w.manager->Get(out->activation.id);
  REQUIRE(a.ok());
  CHECK(a->state == ActivationState::kExpired);
  REQUIRE(a->history.size() == 2);
  CHECK(a->history[1].state == ActivationState::kExpired);
  CHECK(a->history[1].at_ms == (kStart + 12 * 3600) * 1000);
  // Cancelled stays cancelled; nothing is left open.
  CHECK(w.manager->Get(cancelled->activation.id)->state == ActivationState::kCancelled);
  CHECK(w.manager->List(ActivationState::kOpen, 0, 10)->empty());
  CHECK(w.manager->Cancel(out->activation.id, "").status().code() == Code::kFailedPrecondition);
}

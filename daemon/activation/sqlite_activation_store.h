// SqliteActivationStore: the production ActivationStore, on the same SQLite
// file as the roster (tables from schema/0002_activations.sql). Open it after
// the roster store, which applies the migrations.
//
// Thread-safe: one connection of its own behind a mutex. Activation writes
// are few and small; its busy timeout is long (30 s) so that a planner's
// activation waits out a roster write instead of failing.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "activation/activation_store.h"
#include "core/clock.h"
#include "store/sqlite_db.h"

namespace muster {

class SqliteActivationStore final : public ActivationStore {
 public:
  // FailedPrecondition if the activation tables are missing (roster store
  // not opened first). The clock must outlive the store.
  static Result<std::unique_ptr<SqliteActivationStore>> Open(const std::string& path,
                                                             const Clock& clock);

  Result<Activation> Insert(const Activation& activation,
                            std::vector<StoredCallout>* stored = nullptr) override;
  Result<Activation> Get(int64_t id) override;
  Result<ActivationReach> ReachOf(int64_t id) override;
  Result<std::optional<Activation>> FindByKey(const std::string& key) override;
  Result<std::vector<Activation>> List(std::optional<ActivationState> state, int64_t before_id,
                                       int limit) override;
  Result<Activation> Transition(int64_t id, const std::vector<ActivationState>& from,
                                ActivationState to, const std::string& reason) override;
  Result<SelectionInputs> ReadSelectionInputs(int64_t start_unix, int64_t end_unix,
                                              int64_t history_as_of_unix) override;
  Result<SelectionInputs> ReadSelectionInputsAsOf(int64_t start_unix, int64_t end_unix,
                                                  int64_t history_as_of_unix,
                                                  const SelectionMark& mark) override;
  Result<std::vector<Callout>> AddWave(int64_t id, std::vector<Callout> callouts,
                                       const std::string& reason) override;
  Result<std::vector<int64_t>> AskedOn(int64_t id) override;
  Result<std::unordered_map<int64_t, std::string>> ReservistNames(
      const std::vector<int64_t>& ids) override;

 private:
  SqliteActivationStore(std::unique_ptr<SqliteDb> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}

  // All private helpers run with mutex_ held.
  Result<int64_t> InsertHeader(const Activation& a, int64_t now_ms);
  Status InsertChildren(int64_t id, const Activation& a, int64_t now_ms,
                        std::vector<StoredCallout>* stored);
  // Call-outs with their outbox rows and "asked" events, in multi-row
  // statements; `stored` (required) receives them in input order.
  Status InsertCallouts(int64_t id, const std::vector<Callout>& callouts, int wave, int64_t now_ms,
                        std::vector<StoredCallout>* stored);
  Status InsertWave(int64_t id, int wave, int asked, const std::string& reason,
                    int answer_within_minutes, int64_t now_ms);
  Status InsertEvent(int64_t id, ActivationState state, const std::string& reason, int64_t now_ms);
  Result<Activation> ReadHeader(SqliteStatement& st);
  // `fresh`: the call-outs just inserted (all queued), counted without SQL.
  Result<Activation> LoadLocked(int64_t id, bool with_callouts,
                                const std::vector<Callout>* fresh = nullptr);
  Status LoadRequirements(Activation& a, const std::vector<Callout>* fresh = nullptr);
  Status LoadCallouts(Activation& a);
  Status LoadHistory(Activation& a);
  // The selection inputs by the given busy and history statements (bound
  // ?1 start ms, ?2 end ms / ?1 as-of ms, then ?3/?2 and ?4/?3 the mark).
  Result<SelectionInputs> ReadInputsLocked(const char* busy_sql, const char* history_sql,
                                           int64_t start_unix, int64_t end_unix,
                                           int64_t history_as_of_unix, const SelectionMark* mark);

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  const Clock& clock_;
};

}  // namespace muster

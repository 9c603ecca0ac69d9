// ActivationStore: persistence of activations and their call-outs.
// SqliteActivationStore is the production implementation. Implementations
// are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "activation/activation.h"
#include "core/status.h"
#include "ranking/history_table.h"
#include "ranking/rank_request.h"

namespace muster {

// A call-out as Insert stored it, with what a dispatcher needs to start
// sending it without reading it back (schema/0003_dispatch.sql).
struct StoredCallout {
  int64_t id = 0;
  int64_t outbox_id = 0;  // its pending outbox row
  int64_t reservist_id = 0;
  std::string reservist_name;
  int requirement = 0;
  int wave = 1;
  std::string idempotency_key;
  std::string answer_token;
  std::string channels;    // "kind<TAB>address" lines, preference order
  double distance_km = 0;  // home to the activation, as ranked (for the message text)
};

// What a selection reads besides the roster, from one consistent view of
// the store: who is busy during the window, answer history, and where the
// state logs stood (to read the same again later).
struct SelectionInputs {
  std::vector<BusyReservist> busy;
  std::vector<ReservistHistory> history;
  SelectionMark mark;
};

class ActivationStore {
 public:
  virtual ~ActivationStore() = default;

  // Stores a new activation (state, requirements, call-outs and a first
  // history entry) in one transaction and returns it as stored, with ids and
  // times. AlreadyExists (field "idempotency_key") if the key is taken.
  // With `stored`, also the call-outs as stored (in activation.callouts
  // order), for the dispatcher.
  virtual Result<Activation> Insert(const Activation& activation,
                                    std::vector<StoredCallout>* stored = nullptr) = 0;
  // The whole activation, with call-outs and history. NotFound if unknown.
  virtual Result<Activation> Get(int64_t id) = 0;
  // The areas an activation draws from and its creator's; NotFound if
  // unknown. Cheap: for access checks before loading the whole thing.
  virtual Result<ActivationReach> ReachOf(int64_t id) = 0;
  // The activation holding an idempotency key, if any.
  virtual Result<std::optional<Activation>> FindByKey(const std::string& key) = 0;
  // Newest first, ids below before_id (0 = from the newest), without
  // call-outs; state nullopt = any.
  virtual Result<std::vector<Activation>> List(std::optional<ActivationState> state,
                                               int64_t before_id, int limit) = 0;
  // Moves an activation to `to` if its state is one of `from`, recording the
  // change. FailedPrecondition naming the current state otherwise.
  virtual Result<Activation> Transition(int64_t id, const std::vector<ActivationState>& from,
                                        ActivationState to, const std::string& reason) = 0;
  // Stores the next wave of an OPEN activation: its call-outs (with outbox
  // rows and answer tokens) and the wave's deadline, in one transaction.
  // Returns the call-outs as stored. FailedPrecondition if not open.
  virtual Result<std::vector<Callout>> AddWave(int64_t id, std::vector<Callout> callouts,
                                               const std::string& reason) = 0;
  // Reservists' names by id (one read transaction; unknown ids are left out).
  virtual Result<std::unordered_map<int64_t, std::string>> ReservistNames(
      const std::vector<int64_t>& ids) = 0;
  // Everyone ever asked on an activation (never asked twice on it).
  virtual Result<std::vector<int64_t>> AskedOn(int64_t id) = 0;
  // In one read transaction, now:
  // - busy: reservists asked on live (open or filled) activations whose
  //   window overlaps [start_unix, end_unix) and still in play there
  //   (awaiting an answer, or accepted);
  // - history: call-out history per reservist as of history_as_of_unix (the
  //   activation's start): call-outs created in the 30 days before it,
  //   lifetime asked/accepted/declined, end of last accepted deployment;
  // - mark: where the state logs stand.
  virtual Result<SelectionInputs> ReadSelectionInputs(int64_t start_unix, int64_t end_unix,
                                                      int64_t history_as_of_unix) = 0;
  // The same, as the store stood at `mark` (known): activations, call-outs
  // and their states replayed from the state logs up to it; mark is echoed.
  virtual Result<SelectionInputs> ReadSelectionInputsAsOf(int64_t start_unix, int64_t end_unix,
                                                          int64_t history_as_of_unix,
                                                          const SelectionMark& mark) = 0;
};

}  // namespace muster

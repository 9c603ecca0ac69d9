// DispatchStore: the dispatcher's durable state on the roster's SQLite file
// (tables from schema/0003_dispatch.sql): pending outbox rows to resume,
// call-out state changes with their events, answers, stand-downs and wave
// deadlines. Its own connection; used from the dispatcher's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "activation/activation.h"
#include "core/status.h"
#include "roster/model.h"
#include "store/sqlite_db.h"

namespace muster::dispatch {

enum class OutboxKind { kCallout = 1, kStandDown = 2 };
enum class OutboxState { kPending = 1, kDone = 2, kGaveUp = 3, kWithdrawn = 4 };

// A call-out as the dispatcher tracks it.
struct CalloutRow {
  int64_t id = 0;
  int64_t activation_id = 0;
  int64_t reservist_id = 0;
  std::string reservist_name;
  int requirement = 0;
  int wave = 1;
  CalloutState state = CalloutState::kQueued;
  std::string idempotency_key;
  std::string answer_token;
  std::vector<ContactChannel> channels;  // snapshot, preference order
  double distance_km = 0;                // home to the activation, as ranked at selection
  int channel_kind = 0;
  std::string backend;
  std::string last_error;
  int64_t updated_at_ms = 0;
  bool answered = false;  // answered_at_ms set
};

struct OutboxRow {
  int64_t id = 0;
  int64_t callout_id = 0;
  OutboxKind kind = OutboxKind::kCallout;
  std::string idempotency_key;
  int attempts = 0;
};

struct WaveRow {
  int wave = 1;
  int64_t started_at_ms = 0;
  int64_t deadline_ms = 0;
  bool closed = false;
};

// A live (open or filled, or ended with messages still to send) activation.
struct LiveActivationRow {
  Activation activation;  // header, spec and requirements (no call-outs)
  std::vector<CalloutRow> callouts;
  std::vector<WaveRow> waves;
};

// One call-out state change to store (batched).
struct CalloutUpdate {
  int64_t callout_id = 0;
  int64_t activation_id = 0;
  CalloutState state = CalloutState::kQueued;
  int channel_kind = 0;
  std::string backend;
  std::string last_error;
  std::string detail;     // for callout_events
  bool answered = false;  // sets answered_at_ms
  // Only applied while the stored state is one of these (so a late delivery
  // report never overwrites an answer); empty = always.
  std::vector<CalloutState> only_from;
};

struct OutboxUpdate {
  int64_t outbox_id = 0;
  OutboxState state = OutboxState::kDone;
  int attempts = 0;
};

class DispatchStore {
 public:
  static Result<std::unique_ptr<DispatchStore>> Open(const std::string& path);

  // Activations in state open or filled, plus ended ones that still have
  // pending outbox rows, with their call-outs and waves.
  Result<std::vector<LiveActivationRow>> LoadLive();
  // One activation's live view (after a create or a new wave); without its
  // call-outs when the caller has them already.
  Result<LiveActivationRow> LoadOne(int64_t activation_id, bool with_callouts = true);
  // Pending outbox rows of the given activations (all when empty).
  Result<std::vector<OutboxRow>> LoadPendingOutbox(int64_t activation_id);
  // Reservist ids and send times of call-out messages since `since_ms`
  // (for the per-person cap).
  Result<std::vector<std::pair<int64_t, int64_t>>> RecentCalloutSends(int64_t since_ms);

  // Applies call-out and outbox updates and inserts stand-down outbox rows
  // (one per call-out id in new_standdowns, key = call-out key +
  // "-standdown"), all in one transaction. Returns the ids of the new
  // stand-down rows, in order.
  Result<std::vector<int64_t>> Apply(
      const std::vector<CalloutUpdate>& callouts, const std::vector<OutboxUpdate>& outbox,
      const std::vector<std::pair<int64_t, std::string>>& new_standdowns, int64_t now_ms);
  // Marks a wave's deadline handled.
  Status CloseWave(int64_t activation_id, int wave);

 private:
  explicit DispatchStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Status LoadCallouts(LiveActivationRow& row);
  Status LoadWaves(LiveActivationRow& row);

  std::unique_ptr<SqliteDb> db_;
};

// "1\t+447700900001\n2\tjo@example.org" -> channels.
std::vector<ContactChannel> ParseChannelSnapshot(std::string_view text);

}  // namespace muster::dispatch

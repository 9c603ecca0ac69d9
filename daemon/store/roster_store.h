// The roster store interface. SqliteRosterStore (sqlite_roster_store.h) is the
// production implementation; a PostgreSQL one can sit behind the same
// interface. Implementations are thread-safe: any method may be called from
// any thread.
//
// The store does not validate business rules (roster/validate.h does that
// before calling it); it enforces integrity (unique external ids, known skill
// codes through foreign keys) and makes every write atomic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "roster/model.h"

namespace muster {

struct ReservistFilter {
  std::string skill;                      // empty = any
  std::optional<ReservistStatus> status;  // nullopt = any
  std::string home_area;                  // empty = any
  // Only reservists whose home area is one of these (empty = no such limit):
  // how an area-scoped caller's view is applied (see roster/area_scope.h).
  std::vector<std::string> areas;
};

struct UpsertOutcome {
  Reservist stored;  // as stored, with id and times
  bool created = false;
};

struct SkillWithHolders {
  Skill skill;
  int64_t holders = 0;
};

// One row of a bulk import, already validated by the caller.
struct ImportItem {
  int64_t line = 0;
  Reservist reservist;
};

// Outcome of writing one ImportItem.
struct ImportItemResult {
  int64_t line = 0;
  Status status;         // Ok, or why this row was not stored
  bool created = false;  // when ok: created (true) or replaced (false)
  int64_t id = 0;        // when ok: the stored id
};

// A bulk import in progress. Not thread-safe: one caller drives it.
// Holding an ImportSession holds the store's write lock only while a method
// runs, except in atomic or dry-run mode, where the whole session is one
// transaction and the write lock is held from Begin until Finish (other
// writers wait; readers do not).
class ImportSession {
 public:
  virtual ~ImportSession() = default;
  // Writes the items. Each item is upserted by external id (replace if the
  // external id exists, else create). An item that fails (e.g. its external id
  // already appeared earlier in this session) is reported and skipped; the
  // others are written. In non-atomic mode each call commits on return.
  virtual std::vector<ImportItemResult> Write(std::vector<ImportItem>& items) = 0;
  // Ends the session; call it exactly once (destroying an unfinished session
  // is Finish(false)).
  // - atomic: commit = true commits everything written, commit = false rolls
  //   all of it back.
  // - non-atomic: every Write() has already committed; there is nothing left
  //   to commit or roll back, and commit is ignored.
  // - dry run: everything is rolled back whatever commit says.
  // The change listener (see SetChangeListener) only ever sees committed
  // data: in non-atomic mode it is called after each Write() with the
  // reservists that call stored; in atomic mode after Finish(true) has
  // committed, with every reservist the session stored (possibly split over
  // several calls to bound memory); never for a dry run or a rollback.
  virtual Status Finish(bool commit) = 0;
};

// Called after a write commits, with the reservists changed (stored state),
// and the ids deleted. Runs on the writing thread, outside the store's locks.
struct RosterChange {
  std::vector<Reservist> upserted;
  std::vector<int64_t> deleted;
};
using RosterChangeListener = std::function<void(const RosterChange&)>;

class RosterStore {
 public:
  virtual ~RosterStore() = default;

  // Installs the listener (replacing any). Set it before serving requests.
  virtual void SetChangeListener(RosterChangeListener listener) = 0;

  // --- skills ---
  virtual Result<std::vector<SkillWithHolders>> ListSkills() = 0;
  // Creates or updates. FailedPrecondition if narrowing the level range would
  // leave holdings out of range.
  virtual Result<Skill> UpsertSkill(const Skill& skill) = 0;

  // --- reservists ---
  // Create (id == 0 and external id unknown), replace by external id
  // (id == 0), or replace by id (NotFound if absent). AlreadyExists if the
  // external id belongs to a different reservist. Children (channels, skills,
  // windows, unavailability) are replaced wholesale. created_at is kept on
  // replace; updated_at is now.
  virtual Result<UpsertOutcome> UpsertReservist(const Reservist& reservist) = 0;
  virtual Result<Reservist> GetReservist(int64_t id) = 0;
  virtual Result<Reservist> GetReservistByExternalId(const std::string& external_id) = 0;
  // Reservists matching the filter with id > after_id, in id order, at most
  // limit of them.
  virtual Result<std::vector<Reservist>> ListReservists(const ReservistFilter& filter,
                                                        int64_t after_id, int limit) = 0;
  virtual Result<int64_t> CountReservists(const ReservistFilter& filter) = 0;
  // Calls fn for every matching reservist in id order, from a consistent
  // snapshot; stops early (returning Ok) if fn returns false.
  virtual Status ForEachReservist(const ReservistFilter& filter,
                                  const std::function<bool(const Reservist&)>& fn) = 0;
  virtual Result<Reservist> SetReservistStatus(int64_t id, ReservistStatus status) = 0;
  virtual Status DeleteReservist(int64_t id) = 0;

  // --- bulk ---
  // atomic: one transaction for the whole session. dry_run: everything is
  // rolled back at Finish whatever commit says (and the listener is not
  // called).
  virtual Result<std::unique_ptr<ImportSession>> BeginImport(bool atomic, bool dry_run) = 0;
};

}  // namespace muster

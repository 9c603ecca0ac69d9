-- 0004: the audit log. One row per audited call (every write RPC, failed
-- authentication or authorisation, activation state changes). Rows form a
-- hash chain: hash = SHA-256 over the previous row's hash and this row's
-- canonical fields (daemon/audit/audit_log.cc), so an edited, inserted or
-- deleted row breaks verification even if these triggers are dropped.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,       -- "RosterService/UpsertReservist"
  target TEXT NOT NULL,       -- ids and keys the call named; never contact data
  outcome TEXT NOT NULL,      -- gRPC status code name: OK, PERMISSION_DENIED, ...
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,    -- hex; 64 zeros for the first row
  hash TEXT NOT NULL          -- hex
);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

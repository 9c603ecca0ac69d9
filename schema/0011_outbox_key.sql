-- 0011: an outbox row is unique per call-out and kind (one call-out message
-- and at most one stand-down each) instead of per idempotency key text. The
-- key is still stored and sent, but no longer indexed: it is derived from
-- the call-out's own (unique) key, and indexing it inserted every new row at
-- a random place of a text index, a large share of storing a big selection.
-- (callout_id, kind) grows at its end, as call-out ids do. SQLite cannot drop
-- a UNIQUE constraint in place: the table is rebuilt with the same columns
-- and rows. Nothing refers to outbox rows by foreign key.

CREATE TABLE outbox_0011 (
  id INTEGER PRIMARY KEY,
  callout_id INTEGER NOT NULL REFERENCES callouts (id) ON DELETE CASCADE,
  -- 1 = call-out, 2 = stand-down.
  kind INTEGER NOT NULL CONSTRAINT kind CHECK (kind BETWEEN 1 AND 2),
  -- The call-out's key (call-out) or key + "-standdown": sent with every try.
  idempotency_key TEXT NOT NULL,
  -- 1 = pending, 2 = done (handed over or delivered), 3 = gave up, 4 = withdrawn unsent.
  state INTEGER NOT NULL CONSTRAINT state CHECK (state BETWEEN 1 AND 4),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (callout_id, kind)
);

INSERT INTO outbox_0011 (id, callout_id, kind, idempotency_key, state, attempts, created_at_ms,
                         updated_at_ms)
  SELECT id, callout_id, kind, idempotency_key, state, attempts, created_at_ms, updated_at_ms
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_0011 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (callout_id) WHERE state = 1;

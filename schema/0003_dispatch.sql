-- 0003: dispatch. Call-outs gain delivery and answer states, a snapshot of
-- the reservist's contact channels, and a secret answer token; the outbox
-- holds every message to send (call-outs and stand-downs) before anything is
-- sent; callout_events records every call-out state change; waves records
-- each round of asking with its answer deadline.

-- callouts.state: 1 = queued, 2 = sent, 3 = delivered, 4 = failed,
-- 5 = accepted, 6 = declined, 7 = no answer, 8 = stood down (1 was
-- "selected" before: those rows are queued, which is what they were).
ALTER TABLE callouts ADD COLUMN channel INTEGER NOT NULL DEFAULT 0;  -- last kind used; 0 = none
ALTER TABLE callouts ADD COLUMN backend TEXT NOT NULL DEFAULT '';
ALTER TABLE callouts ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
-- "kind<TAB>address" lines in preference order, copied when selected, so a
-- call-out goes out exactly as the roster stood when the person was asked.
ALTER TABLE callouts ADD COLUMN channels TEXT NOT NULL DEFAULT '';
-- 32 hex digits (128 random bits): the key of the accept/decline links.
ALTER TABLE callouts ADD COLUMN answer_token TEXT;
ALTER TABLE callouts ADD COLUMN answered_at_ms INTEGER;
CREATE UNIQUE INDEX callouts_by_token ON callouts (answer_token) WHERE answer_token IS NOT NULL;
CREATE INDEX callouts_by_activation ON callouts (activation_id, state);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  callout_id INTEGER NOT NULL REFERENCES callouts (id) ON DELETE CASCADE,
  -- 1 = call-out, 2 = stand-down.
  kind INTEGER NOT NULL CONSTRAINT kind CHECK (kind BETWEEN 1 AND 2),
  -- The call-out's key (call-out) or key + "-standdown": sent with every try.
  idempotency_key TEXT NOT NULL UNIQUE,
  -- 1 = pending, 2 = done (handed over or delivered), 3 = gave up, 4 = withdrawn unsent.
  state INTEGER NOT NULL CONSTRAINT state CHECK (state BETWEEN 1 AND 4),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX outbox_pending ON outbox (callout_id) WHERE state = 1;

CREATE TABLE callout_events (
  id INTEGER PRIMARY KEY,
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  callout_id INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  state INTEGER NOT NULL CONSTRAINT state CHECK (state BETWEEN 1 AND 8),
  -- Backend and channel for sends, the error for failures, who answered how.
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX callout_events_by_activation ON callout_events (activation_id, id);

CREATE TABLE waves (
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  wave INTEGER NOT NULL CONSTRAINT wave CHECK (wave >= 1),
  started_at_ms INTEGER NOT NULL,
  deadline_ms INTEGER NOT NULL,
  asked INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  -- 1 once its deadline has been handled (unanswered -> no answer).
  closed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (activation_id, wave)
) WITHOUT ROWID;

-- Every activation stored before dispatch existed gets its first wave.
INSERT INTO waves (activation_id, wave, started_at_ms, deadline_ms, asked, reason)
  SELECT id, 1, created_at_ms, created_at_ms + answer_within_minutes * 60000,
         (SELECT count(*) FROM callouts c WHERE c.activation_id = a.id), 'first wave'
  FROM activations a;
INSERT INTO outbox (callout_id, kind, idempotency_key, state, created_at_ms, updated_at_ms)
  SELECT c.id, 1, c.idempotency_key, CASE WHEN a.state IN (1, 2) THEN 1 ELSE 4 END,
         c.created_at_ms, c.created_at_ms
  FROM callouts c JOIN activations a ON a.id = c.activation_id;
UPDATE callouts SET answer_token = lower(hex(randomblob(16))),
  channels = coalesce((SELECT group_concat(kind || char(9) || address, char(10))
                       FROM (SELECT kind, address FROM reservist_channels ch
                             WHERE ch.reservist_id = callouts.reservist_id ORDER BY position)), '');

-- 0002: emergency activations, their requirements, state history and the
-- reservists selected (asked) for them. Conventions as in 0001 (instants in
-- Unix ms, enums as small integers, CHECKs named after their field).

CREATE TABLE activations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The caller's idempotency key; NULL when none was given.
  idempotency_key TEXT UNIQUE
    CONSTRAINT idempotency_key CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
  -- SHA-256 (hex) of the canonical spec: the same key with another spec is refused.
  spec_digest TEXT NOT NULL,
  title TEXT NOT NULL
    CONSTRAINT title CHECK (length(title) BETWEEN 1 AND 200),
  message TEXT NOT NULL DEFAULT '',
  lat REAL NOT NULL CONSTRAINT lat CHECK (lat BETWEEN -90 AND 90),
  lon REAL NOT NULL CONSTRAINT lon CHECK (lon BETWEEN -180 AND 180),
  radius_km REAL NOT NULL CONSTRAINT radius_km CHECK (radius_km > 0 AND radius_km <= 1000),
  start_at_ms INTEGER NOT NULL,
  end_at_ms INTEGER NOT NULL CONSTRAINT end_at_ms CHECK (end_at_ms > start_at_ms),
  answer_within_minutes INTEGER NOT NULL
    CONSTRAINT answer_within_minutes CHECK (answer_within_minutes BETWEEN 1 AND 1440),
  -- 1 = routine, 2 = urgent, 3 = emergency.
  priority INTEGER NOT NULL CONSTRAINT priority CHECK (priority IN (1, 2, 3)),
  -- 1 = open, 2 = filled, 3 = stood down, 4 = cancelled, 5 = expired.
  state INTEGER NOT NULL CONSTRAINT state CHECK (state BETWEEN 1 AND 5),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);

-- Live activations by window, for "already selected on an overlapping
-- activation" and for expiry.
CREATE INDEX activations_live ON activations (end_at_ms) WHERE state IN (1, 2);

CREATE TABLE activation_requirements (
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  skill TEXT NOT NULL REFERENCES skills (code),
  min_level INTEGER NOT NULL CONSTRAINT min_level CHECK (min_level BETWEEN 1 AND 10),
  count INTEGER NOT NULL CONSTRAINT count CHECK (count BETWEEN 1 AND 10000),
  -- Eligible reservists found when the activation was ranked.
  eligible INTEGER NOT NULL,
  PRIMARY KEY (activation_id, position)
) WITHOUT ROWID;

-- Every state change, oldest first (the first row is the creation).
CREATE TABLE activation_events (
  id INTEGER PRIMARY KEY,
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL,
  state INTEGER NOT NULL CONSTRAINT state CHECK (state BETWEEN 1 AND 5),
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activation_events_by_activation ON activation_events (activation_id, id);

-- One row per reservist asked on an activation: the selection, with its rank
-- and score parts so that it can be explained later. reservist_id has no
-- foreign key: call-out history outlives a reservist's removal from the
-- roster, and the name is kept as it was when they were asked.
CREATE TABLE callouts (
  id INTEGER PRIMARY KEY,
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  reservist_id INTEGER NOT NULL,
  reservist_name TEXT NOT NULL,
  requirement_position INTEGER NOT NULL,
  wave INTEGER NOT NULL CONSTRAINT wave CHECK (wave >= 1),
  rank INTEGER NOT NULL,
  distance_km REAL NOT NULL,
  level INTEGER NOT NULL,
  score_distance REAL NOT NULL,
  score_level REAL NOT NULL,
  score_fairness REAL NOT NULL,
  score_reliability REAL NOT NULL,
  score_total REAL NOT NULL,
  accept_probability REAL NOT NULL,
  -- 1 = selected (asked). Dispatch adds delivery and answer states.
  state INTEGER NOT NULL DEFAULT 1,
  -- Stable per call-out: every message about this call-out carries it, so a
  -- resend after a crash is recognisable by the receiver.
  idempotency_key TEXT NOT NULL UNIQUE,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (activation_id, reservist_id)
);
CREATE INDEX callouts_by_reservist ON callouts (reservist_id, created_at_ms);

-- 0001: the reserve roster (skill catalogue, reservists and what they hold).
--
-- Conventions for every table in this schema:
-- * Instants are Unix milliseconds (INTEGER, UTC): *_at_ms.
-- * Calendar dates are INTEGER day numbers, days since 1970-01-01 in the
--   proleptic Gregorian calendar (core/civil_time.h Date::days), named *_day.
--   They compare and index as plain integers; for humans:
--   date(cert_expires_day * 86400, 'unixepoch') gives 'YYYY-MM-DD'.
-- * Times of day are minutes after local (Europe/London) midnight: *_min.
-- * Optional text is '' when absent, except reservists.external_id, which is
--   NULL when absent so that UNIQUE applies only to real values.
-- * CHECK constraints are a second line of defence behind roster/validate.h;
--   they are named after the field they guard, so a violation can be reported
--   against that field. Ranges, never "x IN (...)": SQLite evaluates an IN
--   list in a CHECK by building a temporary index for every row written,
--   which made bulk imports ~20% slower.
-- * Child rows keep their input order in `position` (0-based) and live in
--   WITHOUT ROWID tables keyed (reservist_id, position): one B-tree per table,
--   clustered by reservist, which serves ON DELETE CASCADE and lets the store
--   stream the whole roster by merging tables in id order.

CREATE TABLE skills (
  code TEXT NOT NULL PRIMARY KEY
    CONSTRAINT code CHECK (length(code) BETWEEN 2 AND 40),
  name TEXT NOT NULL
    CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200),
  min_level INTEGER NOT NULL
    CONSTRAINT min_level CHECK (min_level BETWEEN 1 AND 10),
  max_level INTEGER NOT NULL
    CONSTRAINT max_level CHECK (max_level BETWEEN min_level AND 10),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- AUTOINCREMENT: a deleted reservist's id is never handed to someone else, so
-- ids in logs, audit records and council systems stay unambiguous.
CREATE TABLE reservists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT UNIQUE
    CONSTRAINT external_id CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 100),
  name TEXT NOT NULL
    CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 200),
  lat REAL NOT NULL
    CONSTRAINT lat CHECK (lat BETWEEN -90 AND 90),
  lon REAL NOT NULL
    CONSTRAINT lon CHECK (lon BETWEEN -180 AND 180),
  postcode TEXT NOT NULL DEFAULT '',
  home_area TEXT NOT NULL
    CONSTRAINT home_area CHECK (length(home_area) BETWEEN 1 AND 40),
  max_travel_km REAL NOT NULL
    CONSTRAINT max_travel_km CHECK (max_travel_km > 0 AND max_travel_km <= 1000),
  -- 1 = active, 2 = suspended (roster/model.h ReservistStatus).
  status INTEGER NOT NULL DEFAULT 1
    CONSTRAINT status CHECK (status BETWEEN 1 AND 2),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);

-- Filters. Both indexes end in the rowid, so "area = ? AND id > ? ORDER BY id"
-- is one index range. Status indexes only the rare non-active rows: active is
-- most of the roster, and a table scan is the right plan for it.
CREATE INDEX reservists_by_area ON reservists (home_area);
CREATE INDEX reservists_inactive ON reservists (status) WHERE status <> 1;

CREATE TABLE reservist_channels (
  reservist_id INTEGER NOT NULL REFERENCES reservists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  -- 1 = sms, 2 = email, 3 = webhook (roster/model.h ChannelKind).
  kind INTEGER NOT NULL
    CONSTRAINT kind CHECK (kind BETWEEN 1 AND 3),
  address TEXT NOT NULL
    CONSTRAINT address CHECK (length(address) BETWEEN 1 AND 500),
  PRIMARY KEY (reservist_id, position)
) WITHOUT ROWID;

-- The "volunteer passport": skills held, with level and certification.
CREATE TABLE reservist_skills (
  reservist_id INTEGER NOT NULL REFERENCES reservists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  skill TEXT NOT NULL REFERENCES skills (code),
  level INTEGER NOT NULL
    CONSTRAINT level CHECK (level BETWEEN 1 AND 10),
  cert_issuer TEXT NOT NULL DEFAULT '',
  -- Last valid day (day number, see above); NULL = never expires.
  cert_expires_day INTEGER,
  PRIMARY KEY (reservist_id, position)
) WITHOUT ROWID;

-- Filter by skill in id order, holder counts, the skills.code foreign key,
-- and at most one holding of a skill per reservist.
CREATE UNIQUE INDEX reservist_skills_by_skill ON reservist_skills (skill, reservist_id);

-- Recurring weekly availability (Europe/London local time). end_min <= start_min
-- crosses midnight; 0..0 is the whole day.
CREATE TABLE reservist_windows (
  reservist_id INTEGER NOT NULL REFERENCES reservists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  day INTEGER NOT NULL
    CONSTRAINT day CHECK (day BETWEEN 1 AND 7),
  start_min INTEGER NOT NULL
    CONSTRAINT start CHECK (start_min BETWEEN 0 AND 1439),
  end_min INTEGER NOT NULL
    CONSTRAINT "end" CHECK (end_min BETWEEN 0 AND 1440),
  PRIMARY KEY (reservist_id, position)
) WITHOUT ROWID;

-- Dated unavailability, whole days inclusive.
CREATE TABLE reservist_unavailability (
  reservist_id INTEGER NOT NULL REFERENCES reservists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  from_day INTEGER NOT NULL,
  until_day INTEGER NOT NULL
    CONSTRAINT until CHECK (until_day >= from_day),
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (reservist_id, position)
) WITHOUT ROWID;

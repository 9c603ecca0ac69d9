-- 0008: contact channels, weekly windows and dated unavailability move into
-- the reservist's own row, as packed JSON arrays.
--
-- Why: these lists are only ever read and written whole, with their
-- reservist, and nothing filters on them. As child tables they cost a
-- B-tree insert and a foreign-key probe per item (about 3.5 rows per
-- reservist), which made them most of a bulk import's SQLite work. Skill
-- holdings stay a table: the (skill, reservist_id) index serves filters,
-- holder counts, the skills.code foreign key and one holding per skill.
--
-- Formats (positions are the array order, i.e. the order of preference or
-- input; numbers as in 0001):
--   channels        [[kind, "address"], ...]           kind 1 sms, 2 email, 3 webhook
--   windows         [[day, start_min, end_min], ...]
--   unavailability  [[from_day, until_day, "reason"], ...]
-- Ranges are checked by roster/validate.h and again by the store before it
-- writes (store/packed_children.h), with the field names the old CHECK
-- constraints had.
--
-- The old tables become read-only views of the same names and columns, so
-- SQL that reads them (reports, the activation store's copy of a
-- reservist's channels, ad-hoc queries) keeps working.

ALTER TABLE reservists ADD COLUMN channels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE reservists ADD COLUMN windows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE reservists ADD COLUMN unavailability TEXT NOT NULL DEFAULT '[]';

-- Window functions give each list its order explicitly (an aggregate over
-- an ordered subquery does in practice, but SQLite does not promise it).
UPDATE reservists SET
  channels = coalesce((SELECT list FROM (
      SELECT json_group_array(json_array(kind, address)) OVER (ORDER BY position
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS list
      FROM reservist_channels c WHERE c.reservist_id = reservists.id) LIMIT 1), '[]'),
  windows = coalesce((SELECT list FROM (
      SELECT json_group_array(json_array(day, start_min, end_min)) OVER (ORDER BY position
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS list
      FROM reservist_windows w WHERE w.reservist_id = reservists.id) LIMIT 1), '[]'),
  unavailability = coalesce((SELECT list FROM (
      SELECT json_group_array(json_array(from_day, until_day, reason)) OVER (ORDER BY position
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS list
      FROM reservist_unavailability u WHERE u.reservist_id = reservists.id) LIMIT 1), '[]');

DROP TABLE reservist_channels;
DROP TABLE reservist_windows;
DROP TABLE reservist_unavailability;

CREATE VIEW reservist_channels (reservist_id, position, kind, address) AS
  SELECT r.id, j.key, j.value ->> 0, j.value ->> 1
  FROM reservists r, json_each(r.channels) j;

CREATE VIEW reservist_windows (reservist_id, position, day, start_min, end_min) AS
  SELECT r.id, j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2
  FROM reservists r, json_each(r.windows) j;

CREATE VIEW reservist_unavailability (reservist_id, position, from_day, until_day, reason) AS
  SELECT r.id, j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2
  FROM reservists r, json_each(r.unavailability) j;

-- 0009: a requirement may ask for up to 100,000 people (was 10,000), so that
-- one activation can ask a million (ranking/rank_request.h,
-- kMaxRequirementCount). SQLite cannot change a CHECK constraint in place:
-- the table is rebuilt with the same columns, keys and rows. Nothing refers
-- to it by foreign key, and it has no other indexes.

CREATE TABLE activation_requirements_0009 (
  activation_id INTEGER NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  skill TEXT NOT NULL REFERENCES skills (code),
  min_level INTEGER NOT NULL CONSTRAINT min_level CHECK (min_level BETWEEN 1 AND 10),
  count INTEGER NOT NULL CONSTRAINT count CHECK (count BETWEEN 1 AND 100000),
  -- Eligible reservists found when the activation was ranked.
  eligible INTEGER NOT NULL,
  PRIMARY KEY (activation_id, position)
) WITHOUT ROWID;

INSERT INTO activation_requirements_0009 (activation_id, position, skill, min_level, count,
                                          eligible)
  SELECT activation_id, position, skill, min_level, count, eligible FROM activation_requirements;

DROP TABLE activation_requirements;
ALTER TABLE activation_requirements_0009 RENAME TO activation_requirements;

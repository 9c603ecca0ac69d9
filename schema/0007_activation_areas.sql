-- 0007: the home areas an activation draws from (area-scoped tokens and
-- mutual aid, see docs/security.md): area codes separated by single spaces,
-- sorted; '' = every area (activations stored before this migration).
ALTER TABLE activations ADD COLUMN areas TEXT NOT NULL DEFAULT '';

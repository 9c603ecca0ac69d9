-- 0012: what an activation remembers of how it was raised.
-- raised_by_areas: the home areas of the token that created it (codes joined
-- by single spaces, sorted; '' = an unscoped token, or stored before this
-- migration). Tokens of those areas keep access to it, so a mutual-aid planner
-- who asks only another area still sees and cancels its own activation.
ALTER TABLE activations ADD COLUMN raised_by_areas TEXT NOT NULL DEFAULT '';
-- The newest activation_events and callout_events rows when the first wave
-- was selected (NULL = stored before this migration). Explain replays the
-- state changes up to them to see who was busy and what answer history there
-- was as the selection saw it, not as it is later.
ALTER TABLE activations ADD COLUMN selection_activation_event INTEGER;
ALTER TABLE activations ADD COLUMN selection_callout_event INTEGER;
-- Per requirement: how many of its eligible reservists the first wave asked
-- for another requirement (a person fills at most one place). They are not
-- "eligible and not yet asked" in the shortfall (docs/ranking.md).
ALTER TABLE activation_requirements ADD COLUMN asked_elsewhere INTEGER NOT NULL DEFAULT 0;

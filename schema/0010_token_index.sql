-- 0010: call-outs lose the unique index on answer_token. Nothing looks a
-- token up in SQL (the dispatcher keeps the tokens of live activations in
-- memory, and answers to ended ones are refused), and 128 random bits do not
-- collide in practice; the index only cost time: every call-out inserted a
-- key at a random place in it, which for a million call-outs in one
-- activation was a large share of storing them.
DROP INDEX callouts_by_token;

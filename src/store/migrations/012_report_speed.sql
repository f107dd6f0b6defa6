-- Monthly report at volume (#11, `npm run bench -- --only report`: 1,000,000 envelopes, 720,000 forwards,
-- 1,000,000 decisions, 100,000 tickets in one month). Plans: EXPLAIN ANALYZE printed by scripts/bench/report.ts.

-- Operators' decisions (assignments from triage, re-assignments after a bounce, returns) apart from the router's.
-- Serves two report queries (src/store/report-figures-repository.ts):
-- * cases(): "forwarded after triage" = an operator's forward decision on the case; plan node: Index Only Scan
--   using decisions_operator_idx (range on decided_at >= the month's start, filter outcome = 'forward'), 50,000
--   rows in the bench month, instead of a Seq Scan of every decision (1,000,000 rows, and in production every
--   decision's rule trace, 2-5 kB each, read with it);
-- * forwards(): "automatic" = the forward's decision is not an operator's; plan node: Hash (of this index's ids)
--   under a Hash Left Join, instead of hashing every decision of the month (the former plan's 1,000,000-row Hash
--   was the largest of the report, 55 MB).
-- Cost on writes: an index entry for operator decisions only (a few per cent of the decisions; the router's,
-- the bulk, are outside the partial index); no update touches these columns.
CREATE INDEX decisions_operator_idx ON decisions (decided_at) INCLUDE (id, case_id, outcome) WHERE decided_by <> 'router';

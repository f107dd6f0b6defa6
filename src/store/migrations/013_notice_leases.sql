-- The notice outboxes (escalations of 003, report.ready of 006) claimed with a lease, as the forwards are (008):
-- a relay leases a batch to itself in one committed statement, publishes outside any transaction, then marks
-- what the broker confirmed (only rows still leased to it). Publishing no longer holds row locks and a
-- connection for as long as the broker takes to confirm, which on PGlite (one connection) blocked everything.
-- A crashed relay's lease expires and another instance takes the notice over (same messageId: de-duplicated).
ALTER TABLE ticket_escalations ADD COLUMN lease_owner text;
ALTER TABLE ticket_escalations ADD COLUMN lease_until timestamptz;
ALTER TABLE report_versions ADD COLUMN lease_owner text;
ALTER TABLE report_versions ADD COLUMN lease_until timestamptz;
-- No new index: the claims still start from the pending rows through ticket_escalations_outbox_idx and
-- report_versions_outbox_idx (partial on notification = 'pending', a handful of rows at most), the lease is
-- checked on those; the escalation claim's "no earlier pending notice of the same ticket" probe uses the primary
-- key (ticket_id, kind). The report_versions_frozen trigger lets the lease columns change: it only guards the
-- report's own columns.

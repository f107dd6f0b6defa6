-- Throughput and scale-out (#9).

-- The outbox relay claims a batch of forwards with a lease, commits, and publishes outside any transaction.
-- A crashed instance's lease expires and another instance takes the batch over; while the lease holds, no other
-- relay touches those rows, so a forward is published once per lease.
ALTER TABLE forwards ADD COLUMN lease_owner text;
ALTER TABLE forwards ADD COLUMN lease_until timestamptz;
DROP INDEX forwards_outbox_idx;
CREATE INDEX forwards_outbox_idx ON forwards (next_attempt_at, forward_id) WHERE published_at IS NULL AND status = 'pending';

-- The routing stage claims work by order of arrival and keeps a case's SEDs in that order across instances:
-- the earliest waiting item of a case is found through the envelope's case, in id order.
CREATE INDEX work_queue_stage_id_idx ON work_queue (stage, id);

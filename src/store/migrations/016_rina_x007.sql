-- The forward carried out in RINA (#19, CONTRACT.md §7 "Forward out"): one X007 "Forward case" per forward that
-- moves a case that came through RINA to a new institution (the forwards with rina_instruction). The row is
-- written in the forward's own transaction (src/store/x007-jobs.ts, from applyCaseChanges), keyed by the forward
-- id: the idempotency key, so a retried forward, a restart or a second instance never makes a second X007.
-- A relay leases due rows as the other outboxes do (008, 013) and calls the CPI outside any transaction; the
-- X007's RINA document id is recorded (state created) before it is sent, so a crash between the two sends that
-- document, never a new one.
CREATE TABLE rina_x007 (
  forward_id       text PRIMARY KEY REFERENCES forwards (forward_id) ON DELETE CASCADE,
  case_id          text NOT NULL,            -- the RINA case id (= the case's id)
  institution_id   text NOT NULL,            -- the institution to add
  state            text NOT NULL CHECK (state IN ('pending', 'created', 'sent', 'failed', 'cancelled')),
  document_id      text,                     -- the X007's id in RINA, once created
  attempts         integer NOT NULL DEFAULT 0,  -- failed attempts since the last (operator's) retry
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,                     -- the CPI's answer to the last failed attempt (no personal data)
  lease_owner      text,
  lease_until      timestamptz,
  ticket_id        text,                     -- the help-desk ticket of a failure no retry could fix
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  sent_at          timestamptz
);
-- The relay's claim: the few rows still to carry out, in due order.
CREATE INDEX rina_x007_due_idx ON rina_x007 (next_attempt_at, forward_id) WHERE state IN ('pending', 'created');
-- Failures without their ticket yet (the relay opens it after marking the row failed).
CREATE INDEX rina_x007_failed_idx ON rina_x007 (forward_id) WHERE state = 'failed';
CREATE INDEX rina_x007_case_idx ON rina_x007 (case_id);

-- SEDs in from RINA (#19, CONTRACT.md §7 "Events in"). RINA's National Interface Endpoint pushes a document event
-- to POST /api/rina/events; the event is stored here first (then answered 202), and a worker (src/rina/
-- rina-event-service.ts, leases like the other outboxes: FOR UPDATE SKIP LOCKED, then a lease column) reads the
-- case and the document through the CPI and takes the §2 envelope in through the intake service.
--
-- Where a case came from: an envelope taken in from RINA is stored with envelopes.via = 'rina' (below). That is
-- the mark the forward-out half (016, store/x007-repository.ts) reads: a case with an envelope via 'rina' came
-- through RINA, and its forwards are carried out there with an X007. A rejected RINA input (a malformed event, or
-- a document intake refuses) is kept in quarantine with via = 'rina' too.
ALTER TABLE envelopes DROP CONSTRAINT IF EXISTS envelopes_via_check;
ALTER TABLE envelopes ADD CONSTRAINT envelopes_via_check CHECK (via IN ('http', 'amqp', 'rina'));
ALTER TABLE quarantine DROP CONSTRAINT IF EXISTS quarantine_via_check;
ALTER TABLE quarantine ADD CONSTRAINT quarantine_via_check CHECK (via IN ('http', 'amqp', 'rina'));

-- One row per document version RINA told us of: the same case, document and version again is the same event.
CREATE TABLE rina_events (
  case_id          text NOT NULL,            -- the RINA case id
  document_id      text NOT NULL,
  document_version text NOT NULL,            -- the latest version the event named
  document_type    text NOT NULL,            -- the SED type (P2000…)
  buc_type         text,                     -- the event's buc (the case's processDefinitionName is authoritative)
  source           text NOT NULL CHECK (source IN ('event', 'import')),  -- pushed by RINA, or found by an operator's import
  metadata         jsonb NOT NULL,           -- DOCUMENT_METADATA as received: ids, dates, creator organisation (no SED, no person)
  state            text NOT NULL CHECK (state IN ('waiting', 'done', 'failed')),
  received_at      timestamptz NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,   -- failed attempts to read it through the CPI
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,                     -- the CPI's last answer (no personal data)
  lease_owner      text,
  lease_until      timestamptz,
  outcome          text CHECK (outcome IN ('accepted', 'duplicate', 'quarantined')),  -- what intake made of the envelope
  envelope_id      text,
  quarantine_id    text,
  done_at          timestamptz,
  PRIMARY KEY (case_id, document_id, document_version)
);
-- The worker's claim: the waiting events, in due order.
CREATE INDEX rina_events_due_idx ON rina_events (next_attempt_at) WHERE state = 'waiting';
CREATE INDEX rina_events_state_idx ON rina_events (state, received_at);

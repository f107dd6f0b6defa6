-- The country-to-country desk both ways (issue #12): the conversation with counterpart desks (inbound messages
-- once per message id, outbound replies through an outbox), help-desk tokens scoped by country, priority
-- changes as events, and business calendars snapshotted like SLA policy versions.

-- A help-desk token may name the counterpart desk's country: it then sees and acts on that country's tickets only.
-- Without a country (the national desk's integration) it keeps seeing every country.
ALTER TABLE api_tokens ADD COLUMN country text;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_country_check CHECK (country IS NULL OR (role = 'helpdesk' AND country ~ '^[A-Z]{2}$'));

-- A priority change is an event of its own (data: {from, to}); tickets.priority stays the current priority.
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_check;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check CHECK (kind IN ('created', 'respond', 'wait', 'resume', 'resolve',
  'reopen', 'comment', 'assign', 'close', 'escalated', 'priority'));

-- The thread with the counterpart desk: what it sent (direction 'in', once per its message id: the primary key,
-- not a check before the insert, is what makes a redelivered message one comment) and what the desk sent back
-- (direction 'out', also the outbox of the liaison.helpdesk-out exchange). Messages may name people: never logged.
CREATE TABLE ticket_messages (
  direction            text NOT NULL CHECK (direction IN ('in', 'out')),
  counterpart_country  text NOT NULL,
  message_id           text NOT NULL,           -- theirs for 'in'; ours, stable across retries, for 'out'
  ticket_id            text NOT NULL REFERENCES tickets (id),
  event_id             bigint REFERENCES ticket_events (id), -- the ticket event the message is (or caused)
  counterpart_ref      text NOT NULL,
  event                text NOT NULL CHECK (event IN ('response', 'comment', 'information-request', 'resolved', 'reopened', 'resumed')),
  message              text,
  at                   timestamptz NOT NULL,    -- 'in': when received; 'out': the event's time
  -- 'in': received. 'out': pending (never tried), sent (confirmed by the broker), failed (the last attempt failed;
  -- retried at next_attempt_at, never given up), none (no broker configured when the message was written).
  delivery             text NOT NULL CHECK (delivery IN ('received', 'pending', 'sent', 'failed', 'none')),
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz,
  sent_at              timestamptz,
  last_error           text,
  PRIMARY KEY (direction, counterpart_country, message_id),
  CHECK ((direction = 'in') = (delivery = 'received'))
);
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, at);
CREATE INDEX ticket_messages_outbox_idx ON ticket_messages (next_attempt_at) WHERE delivery IN ('pending', 'failed');

-- Business calendars as applied: a new revision each time the configured definition of a calendar changes. A
-- ticket keeps the revisions in force at its slaStartAt (desk and counterpart calendars), so editing
-- calendars.json never rewrites a ticket already measured (nor a reported month).
CREATE TABLE calendar_revisions (
  calendar_id   text NOT NULL,
  revision      integer NOT NULL,
  digest        text NOT NULL,                  -- sha-256 of the definition: a new revision when it differs from the latest
  definition    jsonb NOT NULL,                 -- zone, weekly hours, holiday source, extra days
  recorded_at   timestamptz NOT NULL,           -- in force from this instant
  PRIMARY KEY (calendar_id, revision)
);
ALTER TABLE tickets ADD COLUMN desk_calendar_revision integer;        -- null: recorded before 007, set at start
ALTER TABLE tickets ADD COLUMN counterpart_calendar_revision integer;
ALTER TABLE tickets ADD COLUMN counterpart_calendar_id text;

-- Automatic tickets resolved by their cause: open automatic tickets by kind (the safety-net sweep).
CREATE INDEX tickets_open_automatic_idx ON tickets (category) WHERE auto_key IS NOT NULL AND state NOT IN ('resolved', 'closed');

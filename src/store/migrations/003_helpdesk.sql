-- Level-2 help desk: tickets, their append-only audit trail, the SLA policy versions they were measured with,
-- escalations (raised once per ticket and kind) and the pipeline watch's marks on forwards and cases.

-- Every SLA policy version a ticket has been measured with, as it was when first applied. The configuration may
-- later change; a ticket keeps being measured with this snapshot, so closed months are never rewritten.
CREATE TABLE sla_policy_versions (
  version         text PRIMARY KEY,
  effective_from  timestamptz NOT NULL,
  definition      jsonb NOT NULL,                 -- the version as configured (targets, calendar, thresholds)
  first_used_at   timestamptz NOT NULL
);

-- Readable ticket ids HD<year>-<number> (HD2026-000123): one number series for all years, so an id never repeats.
-- No dash between "HD" and the year: "2026-000123" would read as a personal number to the log redaction.
CREATE SEQUENCE ticket_number_seq;

CREATE TABLE tickets (
  id                       text PRIMARY KEY,      -- HD2026-000123
  counterpart_country      text NOT NULL,         -- EESSI code; FR for French institutions, operators and the pipeline
  counterpart_ref          text,                  -- the requester's ticket id; null for automatic tickets
  auto_key                 text UNIQUE,           -- <kind>:<ref> of an automatic ticket (its idempotency key)
  origin                   jsonb NOT NULL DEFAULT '{}', -- what an automatic ticket was raised about (forward ids, …)
  case_id                  text,
  buc_type                 text,
  sed_type                 text,
  category                 text NOT NULL,
  priority                 text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  subject                  text NOT NULL,         -- may name people: never logged
  description              text NOT NULL,         -- may name people: never logged
  source                   text NOT NULL CHECK (source IN ('counterpart', 'institution', 'operator', 'automatic')),
  created_by               text NOT NULL,
  assignee                 text,
  state                    text NOT NULL
    CHECK (state IN ('new', 'open', 'waiting-counterpart', 'waiting-institution', 'resolved', 'closed')),
  sla_start_at             timestamptz NOT NULL,
  policy_version           text NOT NULL REFERENCES sla_policy_versions (version),
  created_at               timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL,
  first_response_at        timestamptz,
  resolved_at              timestamptz,           -- set by resolve, cleared by reopen
  closed_at                timestamptz,           -- set by close, cleared by reopen
  -- The SLA as of the last change of the ticket. The API recomputes it at read time; these columns let list
  -- filters and reports select without replaying events. A running clock's due instant does not move, so
  -- "breached now" = a stored flag, or a running clock whose due instant has passed.
  first_response_due_at    timestamptz NOT NULL,
  resolution_due_at        timestamptz NOT NULL,
  response_clock           text NOT NULL CHECK (response_clock IN ('running', 'stopped')),
  resolution_clock         text NOT NULL CHECK (resolution_clock IN ('running', 'paused', 'stopped')),
  first_response_breached  boolean NOT NULL,
  resolution_breached      boolean NOT NULL,
  UNIQUE (counterpart_country, counterpart_ref),
  CHECK (counterpart_ref IS NOT NULL OR auto_key IS NOT NULL)
);
-- The escalation sweep scans open tickets only.
CREATE INDEX tickets_open_idx ON tickets (sla_start_at, id) WHERE state NOT IN ('resolved', 'closed');
-- Lists (newest first) and the monthly report (opened / resolved in a month).
CREATE INDEX tickets_created_idx ON tickets (created_at, id);
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_case_idx ON tickets (case_id) WHERE case_id IS NOT NULL;

-- The audit trail: every action with its actor, time and data. Rows are never changed or removed.
CREATE TABLE ticket_events (
  id           bigserial PRIMARY KEY,
  ticket_id    text NOT NULL REFERENCES tickets (id),
  at           timestamptz NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('created', 'respond', 'wait', 'resume', 'resolve', 'reopen', 'comment',
                                             'assign', 'close', 'escalated')),
  actor        text NOT NULL,
  wait_on      text CHECK (wait_on IN ('counterpart', 'institution')),
  state_after  text NOT NULL,
  message      text,                              -- may name people: never logged
  visibility   text CHECK (visibility IN ('internal', 'external')),
  data         jsonb NOT NULL DEFAULT '{}',
  CHECK ((kind = 'wait') = (wait_on IS NOT NULL)),
  CHECK ((message IS NULL) = (visibility IS NULL))
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_month_idx ON ticket_events (at, kind);

CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only (% refused)', TG_OP USING ERRCODE = '55000';
END
$$;
CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();

-- One row per threshold crossed (warning at a fraction of a target, breach): the primary key is what makes
-- "once per threshold" hold across runs and instances. Also the outbox of the notifications exchange.
CREATE TABLE ticket_escalations (
  ticket_id         text NOT NULL REFERENCES tickets (id),
  kind              text NOT NULL
    CHECK (kind IN ('response-warning', 'response-breach', 'resolution-warning', 'resolution-breach')),
  at                timestamptz NOT NULL,
  due_at            timestamptz NOT NULL,          -- the target's due instant when the threshold was crossed
  policy_version    text NOT NULL,
  notification      text NOT NULL CHECK (notification IN ('pending', 'sent', 'none')), -- none: no broker configured
  publish_attempts  integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  sent_at           timestamptz,
  last_error        text,
  PRIMARY KEY (ticket_id, kind)
);
CREATE INDEX ticket_escalations_outbox_idx ON ticket_escalations (next_attempt_at) WHERE notification = 'pending';

-- Pipeline watch: an orphan case gets one automatic ticket per triage episode (raised before the case last
-- entered triage = a new episode).
ALTER TABLE cases ADD COLUMN orphan_ticket_at timestamptz;
CREATE INDEX forwards_unacknowledged_idx ON forwards (created_at) WHERE status = 'pending' AND reminder_raised_at IS NULL;

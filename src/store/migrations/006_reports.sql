-- Monthly and yearly reports (CONTRACT.md §6): immutable, versioned snapshots with their figure-by-figure
-- changes, the report.ready outbox, and the business calendars materialised so that SQL can measure business
-- hours exactly as the help desk's SLA clock does.

-- One row per generated version. The figures are frozen: a regeneration inserts version N+1 with `changes`
-- (what differs from version N, figure by figure). Only the notification columns (the outbox of report.ready
-- on liaison.notifications) may change afterwards; the trigger below refuses anything else.
CREATE TABLE report_versions (
  kind              text NOT NULL CHECK (kind IN ('monthly', 'yearly')),
  period            text NOT NULL,                   -- YYYY-MM (monthly) or YYYY (yearly), Europe/Paris calendar
  version           integer NOT NULL CHECK (version >= 1),
  generated_at      timestamptz NOT NULL,
  generated_by      text NOT NULL,                   -- 'scheduler', 'operator:<username>', 'token:<id>', 'cli'
  trigger           text NOT NULL CHECK (trigger IN ('scheduled', 'on-demand')),
  figures           jsonb NOT NULL,                  -- the report as JSON (no personal data: ids and counts only)
  changes           jsonb NOT NULL DEFAULT '[]',     -- [{path, before, after}] against the previous version
  content_sha256    text NOT NULL,                   -- of the figures without version/generatedAt: "nothing changed"
  notification      text NOT NULL CHECK (notification IN ('pending', 'sent', 'none')), -- none: no broker configured
  publish_attempts  integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  sent_at           timestamptz,
  last_error        text,
  PRIMARY KEY (kind, period, version)
);
-- The relay claims due pending notices only: a partial index keeps that scan to the handful not yet sent.
CREATE INDEX report_versions_outbox_idx ON report_versions (next_attempt_at) WHERE notification = 'pending';

CREATE FUNCTION report_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'report_versions is append-only (DELETE refused)' USING ERRCODE = '55000';
  END IF;
  IF (NEW.kind, NEW.period, NEW.version, NEW.generated_at, NEW.generated_by, NEW.trigger, NEW.figures, NEW.changes, NEW.content_sha256)
     IS DISTINCT FROM
     (OLD.kind, OLD.period, OLD.version, OLD.generated_at, OLD.generated_by, OLD.trigger, OLD.figures, OLD.changes, OLD.content_sha256) THEN
    RAISE EXCEPTION 'a report version is immutable: only its notification state may change' USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER report_versions_frozen BEFORE UPDATE OR DELETE ON report_versions
  FOR EACH ROW EXECUTE FUNCTION report_versions_frozen();

-- Business calendars as rows: every opening interval [opens_at, closes_at) of a desk calendar, holidays and DST
-- already applied by the same code as the SLA clock (src/helpdesk/calendar.ts), with the business time elapsed
-- before it. The business time up to an instant t is then one index lookup (business_ms_at), and the business
-- time between two instants a difference of two lookups: SQL measures a ticket's waiting and running time
-- from its events alone, and agrees with the SLA clock to the millisecond (test/reporting/sla-agreement.test.ts).
-- Rewritten as a whole by the report run when the calendar's definition or the years needed change.
CREATE TABLE business_calendars (
  calendar_id        text PRIMARY KEY,
  definition_sha256  text NOT NULL,
  from_year          integer NOT NULL,
  to_year            integer NOT NULL
);

-- The primary key is the lookup index of business_ms_at: (calendar_id = c AND opens_at <= t ORDER BY opens_at
-- DESC LIMIT 1) is one backward index probe.
CREATE TABLE business_openings (
  calendar_id         text NOT NULL REFERENCES business_calendars (calendar_id) ON DELETE CASCADE,
  opens_at            timestamptz NOT NULL,
  closes_at           timestamptz NOT NULL,
  business_ms_before  bigint NOT NULL,
  PRIMARY KEY (calendar_id, opens_at),
  CHECK (closes_at > opens_at)
);

-- Business milliseconds of calendar `cal` from its first materialised opening up to instant `t`.
CREATE FUNCTION business_ms_at(cal text, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT COALESCE((
    SELECT o.business_ms_before
           + GREATEST(0, round(EXTRACT(EPOCH FROM (LEAST(t, o.closes_at) - o.opens_at)) * 1000))::bigint
      FROM business_openings o
     WHERE o.calendar_id = cal AND o.opens_at <= t
     ORDER BY o.opens_at DESC
     LIMIT 1), 0)
$$;

-- Envelopes are counted by their own legalDeliveryAt month (envelopes.received). Without this index the count
-- of one month reads the whole table (sequential scan of every envelope ever received, bodies included); with
-- it, an index-only range scan of the month (EXPLAIN ANALYZE in scripts/bench/report.ts).
CREATE INDEX envelopes_legal_delivery_idx ON envelopes (legal_delivery_at);

-- The month's cases are found by cases_month_idx (002); their forwards by forwards_case_idx (002) and their
-- decisions by decisions_case_idx (002). Tickets opened in a month use tickets_created_idx (003), resolved ones
-- tickets_resolved_idx (003). First responses and breaches are selected by their own instants:
CREATE INDEX tickets_first_response_idx ON tickets (first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX tickets_response_due_idx ON tickets (first_response_due_at);
CREATE INDEX tickets_resolution_due_idx ON tickets (resolution_due_at);

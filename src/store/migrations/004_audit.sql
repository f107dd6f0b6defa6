-- The audit trail of people's actions (operators, supervisors, agents, admins): who did what, when, with the
-- state before and after. Append-only: rows are never changed or removed (a trigger refuses UPDATE and DELETE).
-- Personal data is never copied here: a read of a case's personal data is recorded as the action and the case id.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor         text NOT NULL,                  -- operator:<username>, token:<id>, bootstrap, system
  action        text NOT NULL,                  -- e.g. triage.claim, triage.assign, case.read-personal-data, rules.publish
  subject_type  text NOT NULL,                  -- case, account, token, rule-table, directory, quarantine, ticket, …
  subject_id    text NOT NULL,
  before        jsonb,
  after         jsonb,
  data          jsonb NOT NULL DEFAULT '{}',
  source_ip     text
);
-- Admins read it newest first, or for one subject.
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

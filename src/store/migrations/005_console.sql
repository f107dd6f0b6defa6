-- The operators' console: account roles and state, server-side sessions with idle and absolute expiry, triage
-- claims, login throttling counters, case notes, superseded forwards.

-- Accounts: four roles (an agent is a help-desk agent), a forced password change after a reset, and the
-- fingerprint of the BOOTSTRAP_ADMIN_PASSWORD last applied (so a changed variable takes effect at the next start,
-- an unchanged one leaves console changes alone).
ALTER TABLE operators DROP CONSTRAINT IF EXISTS operators_role_check;
ALTER TABLE operators ADD CONSTRAINT operators_role_check CHECK (role IN ('operator', 'supervisor', 'agent', 'admin'));
ALTER TABLE operators ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE operators ADD COLUMN password_changed_at timestamptz;
ALTER TABLE operators ADD COLUMN last_login_at timestamptz;
ALTER TABLE operators ADD COLUMN bootstrap_secret_hash text;

-- Sessions: the CSRF token is now derived from the session id (never stored); the column stays for old rows
-- only. Sessions opened before this migration held a clear CSRF token: they are ended.
DELETE FROM operator_sessions;
ALTER TABLE operator_sessions ALTER COLUMN csrf_token DROP NOT NULL;
ALTER TABLE operator_sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE operator_sessions ADD COLUMN source_ip text;
CREATE INDEX operator_sessions_username_idx ON operator_sessions (username);


-- Claims: an operator working a case in triage holds it for a few minutes; others see who and until when.
CREATE TABLE triage_claims (
  case_id     text PRIMARY KEY REFERENCES cases (case_id),
  claimed_by  text NOT NULL,            -- operator:<username>
  claimed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Login throttling counters (rate-limiter-flexible's store, shared by every instance of the service).
CREATE TABLE rate_limits (
  key     text PRIMARY KEY,             -- <limiter>:<account or address>
  points  integer NOT NULL,
  expire  bigint                        -- epoch ms; null = never
);

-- A forward replaced by an operator's re-assignment of the case.
ALTER TABLE forwards DROP CONSTRAINT IF EXISTS forwards_status_check;
ALTER TABLE forwards ADD CONSTRAINT forwards_status_check CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded'));

-- Reopened cases go back to triage from 'returned'; case search by date and by institution.
CREATE INDEX cases_search_idx ON cases (first_legal_delivery_at DESC, case_id DESC);
CREATE INDEX cases_institution_idx ON cases (institution_id);

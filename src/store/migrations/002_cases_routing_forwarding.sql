-- Cases, routing decisions, the forwarding outbox, and the versioned routing configuration.

-- Every change of the directory or the rule table is a new version; old versions stay readable.
CREATE TABLE directory_versions (
  version     integer PRIMARY KEY,
  data        jsonb NOT NULL,
  author      text NOT NULL,
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE rule_set_versions (
  version     integer PRIMARY KEY,
  data        jsonb NOT NULL,
  author      text NOT NULL,
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE cases (
  case_id                  text PRIMARY KEY,
  buc_type                 text NOT NULL,
  sender_institution_id    text NOT NULL,
  sender_country           text NOT NULL,
  status                   text NOT NULL CHECK (status IN ('forwarded', 'triage', 'returned')),
  institution_id           text,              -- the current route: last forwarded to and not bounced
  triage_reason            text,
  triage_since             timestamptz,
  triage_detail            jsonb,             -- e.g. the bouncing institution and its reason
  return_reason            text,
  first_legal_delivery_at  timestamptz NOT NULL,
  created_at               timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL
);
CREATE INDEX cases_triage_idx ON cases (triage_since, case_id) WHERE status = 'triage';
CREATE INDEX cases_month_idx ON cases (first_legal_delivery_at);

-- Routing state of each envelope (the envelope row itself is immutable content).
ALTER TABLE envelopes ADD COLUMN state text NOT NULL DEFAULT 'received'
  CHECK (state IN ('received', 'forwarded', 'triage', 'returned'));

CREATE TABLE decisions (
  id                 bigserial PRIMARY KEY,
  case_id            text NOT NULL REFERENCES cases (case_id),
  envelope_id        text REFERENCES envelopes (envelope_id),   -- null for an operator's case-level decision
  outcome            text NOT NULL CHECK (outcome IN ('forward', 'triage', 'return')),
  institution_id     text,
  reason             text,
  rule_id            text,
  rule_set_version   integer,
  directory_version  integer,
  explanation        text NOT NULL,
  trace              jsonb NOT NULL DEFAULT '[]',
  decided_at         timestamptz NOT NULL,
  decided_by         text NOT NULL,          -- 'router' or 'operator:<username>' / token id
  note               text
);
CREATE INDEX decisions_case_idx ON decisions (case_id, id);
CREATE INDEX decisions_month_idx ON decisions (decided_at);

CREATE TABLE case_events (
  id           bigserial PRIMARY KEY,
  case_id      text NOT NULL,
  envelope_id  text,
  at           timestamptz NOT NULL,
  kind         text NOT NULL,   -- received, routed, triaged, forwarded, published, accepted, bounced, assigned, returned
  data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- One row per envelope handed to an institution: the transactional outbox and the acknowledgement record.
CREATE TABLE forwards (
  forward_id          text PRIMARY KEY,
  case_id             text NOT NULL REFERENCES cases (case_id),
  envelope_id         text NOT NULL REFERENCES envelopes (envelope_id),
  institution_id      text NOT NULL,
  decision_id         bigint NOT NULL REFERENCES decisions (id),
  rule_id             text,                   -- the rule that chose the institution (bounces count against it)
  legal_delivery_at   timestamptz NOT NULL,   -- travels unchanged (Decision E6)
  status              text NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_at          timestamptz NOT NULL,
  rina_instruction    boolean NOT NULL,       -- also send the X007 forward-case instruction
  published_at        timestamptz,            -- broker confirmed (null: not yet, or pull-only)
  publish_attempts    integer NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz NOT NULL,
  last_error          text,
  acked_at            timestamptz,
  ack_reason          text,
  acked_by            text,
  reminder_raised_at  timestamptz
);
CREATE INDEX forwards_outbox_idx ON forwards (next_attempt_at) WHERE published_at IS NULL;
CREATE INDEX forwards_institution_idx ON forwards (institution_id, status, created_at, forward_id);
CREATE INDEX forwards_case_idx ON forwards (case_id);

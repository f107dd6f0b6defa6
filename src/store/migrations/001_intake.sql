-- Intake: every received envelope once, every rejected input kept, and the hand-over to the next stage.

CREATE TABLE envelopes (
  envelope_id            text PRIMARY KEY,           -- <sedType>_<documentId>_<documentVersion>: the idempotency key
  case_id                text NOT NULL,
  buc_type               text NOT NULL,
  sed_type               text NOT NULL,
  document_id            text NOT NULL,
  document_version       text NOT NULL,
  sender_institution_id  text NOT NULL,
  sender_country         text NOT NULL,
  legal_delivery_at      timestamptz NOT NULL,       -- Decision E6 receipt time, never changed
  received_at            timestamptz NOT NULL,       -- when this service stored it
  via                    text NOT NULL CHECK (via IN ('http', 'amqp')),
  content_sha256         text NOT NULL,
  body                   jsonb NOT NULL,             -- the whole envelope as received (personal data: never logged)
  duplicates             integer NOT NULL DEFAULT 0,
  last_duplicate_at      timestamptz
);
CREATE INDEX envelopes_case_idx ON envelopes (case_id, legal_delivery_at);
CREATE INDEX envelopes_received_idx ON envelopes (received_at);

CREATE TABLE quarantine (
  id             text PRIMARY KEY,
  received_at    timestamptz NOT NULL,
  via            text NOT NULL CHECK (via IN ('http', 'amqp')),
  error_code     text NOT NULL,
  message        text NOT NULL,
  details        jsonb NOT NULL DEFAULT '[]',
  size           integer NOT NULL,
  envelope_id    text,                                -- when the input was parseable enough to tell
  case_id        text,
  raw            bytea NOT NULL,                      -- the input byte for byte (truncated past the size limit)
  raw_sha256     text NOT NULL UNIQUE,                -- the same rejected input again (a redelivery) is one row
  receipts       integer NOT NULL DEFAULT 1,
  last_received_at timestamptz NOT NULL
);
CREATE INDEX quarantine_received_idx ON quarantine (received_at DESC, id DESC);

-- Work handed from one stage to the next (routing, …). A row is claimed with FOR UPDATE SKIP LOCKED and
-- deleted in the transaction that completes the work, so a crash between stages loses nothing.
CREATE TABLE work_queue (
  id             bigserial PRIMARY KEY,
  stage          text NOT NULL,
  ref            text NOT NULL,
  available_at   timestamptz NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  created_at     timestamptz NOT NULL,
  UNIQUE (stage, ref)
);
CREATE INDEX work_queue_claim_idx ON work_queue (stage, available_at, id);

-- Machine tokens (hashed) and operator accounts.
CREATE TABLE api_tokens (
  id             text PRIMARY KEY,
  token_sha256   text NOT NULL UNIQUE,
  role           text NOT NULL,
  institution_id text,
  label          text,
  created_at     timestamptz NOT NULL,
  created_by     text,
  revoked_at     timestamptz
);

CREATE TABLE operators (
  username       text PRIMARY KEY,
  password_hash  text NOT NULL,                       -- scrypt$N$salt$hash
  role           text NOT NULL CHECK (role IN ('operator', 'admin')),
  created_at     timestamptz NOT NULL,
  disabled_at    timestamptz
);

CREATE TABLE operator_sessions (
  id_sha256      text PRIMARY KEY,
  username       text NOT NULL REFERENCES operators (username),
  csrf_token     text NOT NULL,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL
);

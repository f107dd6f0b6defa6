-- The learning loop (issue #13): what operators decided for which kind of case, the quarantine's outcomes,
-- the BUC catalogue as versioned data, and the indexes the supervisors' overview reads.

-- One row per case an operator decided (assigned): the case's non-personal routing features at that moment,
-- and where it went. A later decision on the same case (after a bounce, a re-assignment) replaces the row:
-- only the operator's latest judgement teaches. The French PIN is never stored: `pin_hash` is an HMAC-SHA256
-- under a key outside this table (`k<key fingerprint>:<hex>`), so hashes made under another key never match.
CREATE TABLE decision_features (
  case_id          text PRIMARY KEY REFERENCES cases (case_id) ON DELETE CASCADE,
  decision_id      bigint NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
  institution_id   text NOT NULL,
  decided_at       timestamptz NOT NULL,
  decided_by       text NOT NULL,
  triage_reason    text,                -- why the case was in triage when decided (NO_RULE, BOUNCED, …)
  router_rule_id   text,                -- the rule whose decision sent it there (where a proposed rule goes)
  buc_type         text NOT NULL,
  sector           text NOT NULL,
  sender_country   text NOT NULL,
  residence        text NOT NULL,       -- 'dep:69', 'country:DE' or 'unknown'
  ref_networks     text NOT NULL,       -- networks of the French references, sorted, comma-joined ('' = none)
  pin_hash         text                 -- keyed hash of the French PIN; null without one
);
-- Similarity levels (see src/learning/similarity.ts) are prefixes of this index, from the strictest down.
CREATE INDEX decision_features_similar_idx ON decision_features (buc_type, residence, ref_networks, sender_country);
CREATE INDEX decision_features_sector_idx ON decision_features (sector, residence);
CREATE INDEX decision_features_person_idx ON decision_features (sector, pin_hash) WHERE pin_hash IS NOT NULL;

-- Generated secrets kept by the service (the PIN hash key when PIN_HASH_KEY is not configured).
CREATE TABLE service_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Quarantine entries get a life cycle: open until re-submitted successfully or dismissed with a reason.
ALTER TABLE quarantine ADD COLUMN status text NOT NULL DEFAULT 'open'
  CHECK (status IN ('open', 'resubmitted', 'dismissed'));
ALTER TABLE quarantine ADD COLUMN resolved_at timestamptz;
ALTER TABLE quarantine ADD COLUMN resolved_by text;
ALTER TABLE quarantine ADD COLUMN resolution_note text;
CREATE INDEX quarantine_status_idx ON quarantine (status, received_at DESC, id DESC);

-- Every re-submission of a quarantined input through intake, with what intake answered.
CREATE TABLE quarantine_resubmissions (
  id             bigserial PRIMARY KEY,
  quarantine_id  text NOT NULL REFERENCES quarantine (id) ON DELETE CASCADE,
  at             timestamptz NOT NULL,
  by_actor       text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'rejected')),
  envelope_id    text,
  error_code     text,
  message        text,
  details        jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX quarantine_resubmissions_entry_idx ON quarantine_resubmissions (quarantine_id, id);

-- The BUC catalogue (config/bucs.csv at first start), then every change a new version with author and reason.
CREATE TABLE buc_catalogue_versions (
  version     integer PRIMARY KEY,
  data        jsonb NOT NULL,
  author      text NOT NULL,
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- The overview counts bounces by the day they were acknowledged.
CREATE INDEX forwards_bounced_idx ON forwards (acked_at) WHERE status = 'rejected';

-- Drift watch notices (issue #18): when a live learned rule drifts (its forwards bounced or re-assigned beyond
-- LEARNING_DRIFT_MAX_UNDONE_PERCENT after LEARNING_DRIFT_MIN_FORWARDS), the drift check opens an episode and
-- records one notice for the supervisors (rules.learned-drift on the notifications exchange); the episode closes
-- (ended_at) when a check finds the rule no longer drifting or no longer live, and a later drift opens the next
-- one. At most one open episode per rule, so one notice per rule and episode whatever the number of checks.
-- The outbox is relayed like the other notices (013): leased, published outside any transaction, then marked.
-- Figures only: nothing about a person.
CREATE TABLE learned_rule_drift_notices (
  rule_id            text NOT NULL,
  episode            integer NOT NULL CHECK (episode >= 1),
  rule_set_version   integer NOT NULL,
  forwards           integer NOT NULL CHECK (forwards >= 0),
  undone             integer NOT NULL CHECK (undone >= 0 AND undone <= forwards),
  min_forwards       integer NOT NULL,
  max_undone_share   numeric(6, 5) NOT NULL CHECK (max_undone_share >= 0 AND max_undone_share <= 1),
  detected_at        timestamptz NOT NULL,
  ended_at           timestamptz,
  notification       text NOT NULL DEFAULT 'pending' CHECK (notification IN ('pending', 'sent')),
  publish_attempts   integer NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz NOT NULL,
  last_error         text,
  lease_owner        text,
  lease_until        timestamptz,
  sent_at            timestamptz,
  PRIMARY KEY (rule_id, episode)
);
CREATE UNIQUE INDEX learned_rule_drift_open_idx ON learned_rule_drift_notices (rule_id) WHERE ended_at IS NULL;
CREATE INDEX learned_rule_drift_outbox_idx ON learned_rule_drift_notices (next_attempt_at) WHERE notification = 'pending';

-- An operator's forward from triage is held for TRIAGE_UNDO_SECONDS before it is released (issue #20): a wrong
-- choice can be taken back before any personal data leaves. The semantics, for every reader of `forwards`:
--
--   * `release_at` NULL: released when created (the router's forwards, case affinity, re-assignments, and every
--     forward written before this migration).
--   * `release_at` set: held until then. A forward is RELEASED when `release_at IS NULL OR release_at <= now`.
--     The outbox relay (its `next_attempt_at` starts at `release_at`, and its claim also checks it), the
--     institutions' pull (GET /api/institutions/:id/forwards) and any other consumer acting on forwards (e.g. an
--     X007 instruction keyed by forward id) take only released forwards whose status is not 'cancelled'.
--   * status 'cancelled' (with `cancelled_at`): the operator undid the assignment within the window
--     (POST /api/triage/:caseId/undo); the forward was never released and never will be. Only a held, unpublished,
--     unleased forward can become cancelled, in the same transaction that puts the case back in triage.
--
-- The undone decision keeps its row (history, audit) with `cancelled_at`: it no longer counts as an operator's
-- decision (learning: suggestions, proposals, candidates; its decision_features row is deleted).
ALTER TABLE forwards ADD COLUMN release_at timestamptz;
ALTER TABLE forwards ADD COLUMN cancelled_at timestamptz;
ALTER TABLE forwards DROP CONSTRAINT IF EXISTS forwards_status_check;
ALTER TABLE forwards ADD CONSTRAINT forwards_status_check CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded', 'cancelled'));
ALTER TABLE decisions ADD COLUMN cancelled_at timestamptz;
-- No new index: held forwards are found by case (forwards_case_idx) and the relay's claim starts from
-- forwards_outbox_idx (pending, unpublished) where `next_attempt_at` already carries the release time.

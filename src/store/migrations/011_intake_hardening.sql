-- Intake hardening (#14) and the error-catalogue clean-up (#8).

-- Intake codes have their own prefix (INT_ means internal): rename what quarantine already holds, and recompute the
-- key that folds the same rejected bytes into one row (sha256 of the raw bytes followed by the error code).
UPDATE quarantine SET error_code = 'ITK_ENVELOPE_CONFLICT' WHERE error_code = 'INT_ENVELOPE_CONFLICT';
UPDATE quarantine SET error_code = 'VAL_NOT_JSON' WHERE error_code = 'REQ_MALFORMED_JSON';
UPDATE quarantine SET error_code = 'VAL_TOO_LARGE' WHERE error_code = 'REQ_TOO_LARGE';
UPDATE quarantine SET raw_sha256 = encode(sha256(raw || convert_to(error_code, 'UTF8')), 'hex')
 WHERE error_code IN ('ITK_ENVELOPE_CONFLICT', 'VAL_NOT_JSON', 'VAL_TOO_LARGE');

-- Retention (data protection): the SED body of a closed case and the raw bytes of an old quarantined input are
-- purged after RETENTION_DAYS; the row, its metadata, decisions, events and forwards stay (figures, audit).
ALTER TABLE envelopes ALTER COLUMN body DROP NOT NULL;
ALTER TABLE envelopes ADD COLUMN body_purged_at timestamptz;
ALTER TABLE quarantine ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE quarantine ADD COLUMN raw_purged_at timestamptz;
CREATE INDEX envelopes_unpurged_idx ON envelopes (received_at) WHERE body IS NOT NULL;
CREATE INDEX quarantine_unpurged_idx ON quarantine (received_at) WHERE raw IS NOT NULL;

-- The triage queue by the legal clock: sorted and filtered by the legal receipt time of the case's first envelope
-- (first_legal_delivery_at), like it already is by the time the case entered triage (cases_triage_idx, 002).
CREATE INDEX cases_triage_received_idx ON cases (first_legal_delivery_at, case_id) WHERE status = 'triage';

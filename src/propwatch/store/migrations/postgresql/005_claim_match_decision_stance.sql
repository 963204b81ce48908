-- PostgreSQL twin of ../005_claim_match_decision_stance.sql.
ALTER TABLE claim_matches ADD COLUMN decision TEXT COLLATE "C"
    CHECK (decision IN ('match', 'related'));
ALTER TABLE claim_matches ADD COLUMN stance TEXT COLLATE "C"
    CHECK (stance IN ('asserts', 'refutes', 'reports'));
ALTER TABLE claim_matches ADD COLUMN stance_score DOUBLE PRECISION;
DELETE FROM claim_match_runs;

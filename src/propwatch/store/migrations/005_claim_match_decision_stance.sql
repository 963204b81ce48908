-- The calibrated match decision ('match' or 'related') and the article's stance towards each
-- matched known claim ('asserts', 'refutes', 'reports'), see propwatch.claims.matcher and
-- propwatch.claims.stance.  Scores stored before were not probabilities: every claim is
-- matched again by the next run (reviewed matches are kept and re-scored).
ALTER TABLE claim_matches ADD COLUMN decision TEXT CHECK (decision IN ('match', 'related'));
ALTER TABLE claim_matches ADD COLUMN stance TEXT
    CHECK (stance IN ('asserts', 'refutes', 'reports'));
ALTER TABLE claim_matches ADD COLUMN stance_score REAL;
DELETE FROM claim_match_runs;

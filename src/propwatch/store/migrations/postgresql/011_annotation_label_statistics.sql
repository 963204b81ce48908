-- How often each (layer, label) pair occurs, for the planner: without it PostgreSQL takes
-- layer and label as independent and guesses 30 times too few spans of one technique
-- (429 for 14,014 on the 100,000-article bench corpus), so a search by technique with
-- "has a match" walked every article with that technique instead of the few matched ones
-- (256 ms -> 87 ms; docs/benchmarks.md, issue 13d).
CREATE STATISTICS IF NOT EXISTS annotations_layer_label (mcv) ON layer, label FROM annotations;
ANALYZE annotations;

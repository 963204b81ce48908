-- PostgreSQL only (extended statistics on annotations' layer and label for its planner):
-- SQLite's planner needs nothing here.
SELECT 1;

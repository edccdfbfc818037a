"""Set-based queries for analytics: one statement per figure, never one per row.

Each function takes a session, the workspace (`team_id`), the people it covers (a set of
person ids, or None for the whole workspace) and plain values computed in Python (period
bounds, cut-off instants, the stage order), and returns small aggregated rows. The SQL is the
same on SQLite and PostgreSQL; the one thing the two spell differently (whole days between two
instants) is a compiled construct in `storage.queries.sql`. Turning rows into figures (rates,
medians, weighting) is `bot.analytics`'s job.
"""

"""Manager digests (issue 6): the daily digest, the weekly funnel-and-coaching digest, the Friday
win/loss recap thread and the monthly 5+5+5 review, built from data as plain dataclasses
(`daily`, `weekly`, `recap`, `tiers`), rendered to Block Kit in both languages (`render`),
and scheduled or previewed through `service`. Teams, targets and tiers are set by `/coach team`,
`/coach target` and `/coach tier`.
"""

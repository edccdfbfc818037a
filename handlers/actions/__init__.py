"""Listeners for Slack actions, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import deal, lead, meeting, nudges, records, visit


def register(app: App) -> None:
    deal.register(app)
    visit.register(app)
    nudges.register(app)
    meeting.register(app)
    lead.register(app)
    records.register(app)

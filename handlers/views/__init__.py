"""Listeners for Slack views, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import checkin, deal, lead, settings, visit


def register(app: App) -> None:
    deal.register(app)
    visit.register(app)
    checkin.register(app)
    lead.register(app)
    settings.register(app)

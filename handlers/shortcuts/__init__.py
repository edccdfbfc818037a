"""Listeners for Slack shortcuts, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.shortcuts import deal, lead, visit


def register(app: App) -> None:
    deal.register(app)
    visit.register(app)
    lead.register(app)

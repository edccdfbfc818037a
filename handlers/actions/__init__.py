"""Listeners for Slack actions, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import nudges, visit


def register(app: App) -> None:
    visit.register(app)
    nudges.register(app)

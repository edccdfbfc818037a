"""Listeners for Slack home, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.home import tab


def register(app: App) -> None:
    tab.register(app)

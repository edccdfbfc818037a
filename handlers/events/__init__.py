"""Listeners for Slack events, one module per feature."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    pass

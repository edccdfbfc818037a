"""Listeners for Slack events, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import csv_upload, lifecycle


def register(app: App) -> None:
    lifecycle.register(app)
    csv_upload.register(app)

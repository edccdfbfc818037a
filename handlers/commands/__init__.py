"""Slash command listeners, one module per command."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import coach, pipeline
from handlers.commands import visit


def register(app: App) -> None:
    coach.register(app)
    pipeline.register(app)
    visit.register(app)

"""Bolt listeners, one package per Slack surface; `register(app)` wires them all.

Listeners are thin: ack first, resolve the actor, call a `bot` operation, render its reply.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, home, shortcuts, views


def register(app: App) -> None:
    commands.register(app)
    shortcuts.register(app)
    actions.register(app)
    views.register(app)
    home.register(app)
    events.register(app)

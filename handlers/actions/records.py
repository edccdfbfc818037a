"""The buttons shared by the record screens: a record's History (visit, contact, account) and
its "Older" page, and an account card's "Mark as lead". Thin: `bot.records` does the work."""

from __future__ import annotations

from slack_bolt import App

from bot.records import accounts, trail
from handlers.listener import Request, listener


@listener()
def handle_history(req: Request) -> None:
    """A record's audit trail; the value names it and `trail_reply` checks who may see it."""
    req.reply(trail.trail_reply(req.svc.db, req.actor, req.action.value or ""))


@listener()
def handle_mark_lead(req: Request) -> None:
    req.reply(accounts.mark_lead_button(req.svc.db, req.actor, req.action.value or "", req.now))


def register(app: App) -> None:
    app.action(trail.SHOW_ACTION)(handle_history)
    app.action(trail.MORE_ACTION)(handle_history)
    app.action(accounts.LEAD_ACTION)(handle_mark_lead)

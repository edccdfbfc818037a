"""Message shortcut *Make a lead*: the lead form prefilled from the message (the one-line parser)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.leads.form import lead_form
from bot.leads.parse import parse_lead_line
from handlers.listener import Request, listener

MESSAGE = "make_lead_message"


def _message_text(body: dict[str, Any]) -> str:
    return str((body.get("message") or {}).get("text") or "")


@listener(_message_text)
def handle_message(req: Request) -> None:
    view = lead_form(req.lang, parse_lead_line(_message_text(req.body)))
    req.client.views_open(trigger_id=req.trigger_id, view=view)


def register(app: App) -> None:
    app.shortcut(MESSAGE)(handle_message)

"""Buttons of a lead's DMs: Log first contact, Not a fit / Drop… (the drop form), Reassign to…,
and Qualify (a deal on the lead's account) — bot/leads/ops.py and bot/leads/judge.py.

Each click redraws the DM (chat.update): the buttons give way to what happened.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import t
from bot.deals.ops import DealError, do_create_deal
from bot.leads.judge import drop_context, drop_form, lead_for_deal
from bot.leads.ops import do_first_contact, do_reassign
from bot.leads.render import after_click
from bot.ui.reply import Reply
from handlers.listener import Request, listener

log = logging.getLogger("handlers.lead")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return channel, container.get("message_ts") or (body.get("message") or {}).get("ts")


def _redraw(client: WebClient, body: dict[str, Any], lead_id: int, state: str, lang: Any) -> None:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    message = body.get("message") or {}
    ts = container.get("message_ts") or message.get("ts")
    if not (channel and ts):
        return
    blocks = after_click(lang, list(message.get("blocks") or []), lead_id, state)
    try:
        client.chat_update(channel=channel, ts=ts, text=str(message.get("text") or state), blocks=blocks[:50])
    except SlackApiError as exc:
        log.warning("could not redraw the lead message: %s", exc.response.get("error"))


@listener()
def on_contacted(req: Request) -> None:
    lead = do_first_contact(req.svc.db, req.actor, req.action.value, req.now)
    _redraw(req.client, req.body, lead.id, t(req.lang, "lead.state.contacted"), req.lang)


@listener()
def on_not_fit(req: Request) -> None:
    """*Not a fit* / *Drop…*: the drop form (a reason; an override under the contacts rule)."""
    ctx = drop_context(req.svc.db, req.actor, req.action.value)
    channel, ts = _where(req.body)
    view = drop_form(req.lang, ctx)
    meta = {**json.loads(view["private_metadata"]), "c": channel or "", "ts": ts or ""}
    view["private_metadata"] = json.dumps(meta)
    req.client.views_open(trigger_id=req.trigger_id, view=view)


@listener()
def on_qualify(req: Request) -> None:
    """*Qualify*: a deal on the lead's account at the first stage (it then remembers the lead)."""
    lead_id = req.action.value
    account_id, title = lead_for_deal(req.svc.db, req.actor, lead_id)
    try:
        deal = do_create_deal(req.svc.db, req.actor, title=title, now=req.now, account_id=account_id)
        name = deal.title
    except DealError as exc:
        if exc.key != "deal.err.duplicate":  # (a duplicate is a double click: the deal is there)
            req.reply(Reply(t(req.lang, exc.key, **exc.values)))
            return
        name = title
    _redraw(req.client, req.body, int(str(lead_id)), t(req.lang, "lead.state.qualified", deal=name), req.lang)


@listener()
def on_reassign(req: Request) -> None:
    action = _action(req.body)
    lead_id = str(action.get("block_id") or "").removeprefix("lead_")
    user = str(action.get("selected_user") or "")
    lead = do_reassign(req.svc.db, req.actor, lead_id, user, req.now)
    _redraw(req.client, req.body, lead.id, t(req.lang, "lead.state.reassigned", user=f"<@{user}>"), req.lang)


def register(app: App) -> None:
    app.action("lead_contacted")(on_contacted)
    app.action("lead_not_fit")(on_not_fit)
    app.action("lead_qualify")(on_qualify)
    app.action("lead_reassign")(on_reassign)

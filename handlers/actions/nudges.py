"""Buttons of the scheduler's DMs: open the check-in forms; Done / Snooze / Log visit on a
follow-up; Plan a visit on a cooling contact; Plan the next step on a stale deal.

Each click redraws the message it came from (chat.update), so what was handled shows as such.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.checkins.days import local_today
from bot.checkins.prompts import prompt_day
from bot.core.access import access_follow_up
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.i18n import format_day, t
from bot.followups.nudges import follow_up_blocks, nudge_ids
from bot.followups.rules import do_complete, do_plan_next_step, do_plan_visit, do_snooze, items_by_id
from bot.ui import blocks as bk
from bot.visits.modal import FormState
from handlers._support import current_actor, services, user_errors
from handlers.commands.checkin import open_form
from handlers.views.visit import open_visit_form
from storage.models import Account, Contact, FollowUp

log = logging.getLogger("handlers.nudges")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def _update(client: WebClient, body: dict[str, Any], text: str, blocks: list[dict[str, Any]]) -> None:
    channel, ts = _where(body)
    if not (channel and ts):
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not redraw the message: %s", exc.response.get("error"))


def _redraw_follow_ups(client: WebClient, body: dict[str, Any], actor: Actor, svc: Any) -> None:
    message = body.get("message") or {}
    original = list(message.get("blocks") or [])
    ids = nudge_ids(original)
    with svc.db.transaction() as session:
        items = items_by_id(session, actor, ids)
    fresh = follow_up_blocks(actor.lang, items, actor.tz, svc.clock.now())
    blocks: list[dict[str, Any]] = []
    placed = False
    for block in original:
        block_id = str(block.get("block_id") or "")
        if block_id.startswith(("fu_", "fudone_")):
            if not placed:
                blocks += fresh
                placed = True
            continue
        blocks.append(block)
    _update(client, body, str(message.get("text") or ""), blocks[:50])


def on_open_plan(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        channel, ts = _where(body)
        svc = services(context)
        day = prompt_day(_action(body).get("value"), local_today(actor, svc.clock.now()))
        open_form(client, body, actor, svc, "plan", {"c": channel or "", "ts": ts or ""}, day=day)


def on_open_review(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        channel, ts = _where(body)
        svc = services(context)
        day = prompt_day(_action(body).get("value"), local_today(actor, svc.clock.now()))
        open_form(client, body, actor, svc, "review", {"c": channel or "", "ts": ts or ""}, day=day)


def on_done(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        do_complete(svc.db, actor, _action(body).get("value"), svc.clock.now())
        _redraw_follow_ups(client, body, actor, svc)


def on_snooze(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        value = str((_action(body).get("selected_option") or {}).get("value") or "")
        follow_up_id, _, option = value.partition(":")
        do_snooze(svc.db, actor, follow_up_id, option, svc.clock.now())
        _redraw_follow_ups(client, body, actor, svc)


def on_log_visit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """The visit form, prefilled with the follow-up's account, contact and what is owed."""
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        with svc.db.transaction() as session:
            follow_up = access_follow_up(session, actor, _action(body).get("value"))
            account = session.get(Account, follow_up.account_id) if follow_up.account_id else None
            contact = session.get(Contact, follow_up.contact_id) if follow_up.contact_id else None
            state = FormState(
                account=(f"a:{account.id}", account.name) if account else None,
                contacts=[(contact.id, contact.name)] if contact else [],
                purpose=follow_up.text if follow_up.kind in ("next_step", "manual") else "",
            )
        open_visit_form(context, client, body["trigger_id"], actor, state)


def _mark_block(body: dict[str, Any], block_id: str, note: str) -> tuple[str, list[dict[str, Any]]]:
    """The clicked message with block `block_id`'s button replaced by `note`."""
    message = body.get("message") or {}
    blocks = []
    for block in message.get("blocks") or []:
        if block.get("block_id") == block_id:
            text = ((block.get("text") or {}).get("text") or "").strip()
            block = bk.section(f"{text}\n:white_check_mark: {note}", block_id=block_id)
        blocks.append(block)
    return str(message.get("text") or note), blocks


def _plan_follow_up(
    client: WebClient,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    *,
    make: Callable[..., FollowUp],
    block_prefix: str,
    note_key: str,
) -> None:
    """A warning's button that turns its item into a follow-up, then marks the item in the message."""
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None, respond):
        object_id = _action(body).get("value")
        follow_up = make(svc.db, actor, object_id, svc.clock.now())
        day = format_day(actor.lang, follow_up.due_at.astimezone(zone(actor.tz)).date())
        note = t(actor.lang, note_key, what=bk.escape(follow_up.text), day=day)
        _update(client, body, *_mark_block(body, f"{block_prefix}_{object_id}", note))


def on_plan_visit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _plan_follow_up(client, body, context, respond, make=do_plan_visit, block_prefix="decay", note_key="decay.planned")


def on_next_step(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _plan_follow_up(
        client, body, context, respond, make=do_plan_next_step, block_prefix="stale", note_key="stale.planned"
    )


def register(app: App) -> None:
    app.action("checkin_open_plan")(on_open_plan)
    app.action("checkin_open_review")(on_open_review)
    app.action("nudge_done")(on_done)
    app.action("nudge_snooze")(on_snooze)
    app.action("nudge_log_visit")(on_log_visit)
    app.action("decay_plan_visit")(on_plan_visit)
    app.action("stale_next_step")(on_next_step)

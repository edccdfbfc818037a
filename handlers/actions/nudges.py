"""Buttons of the scheduler's DMs: open the check-in forms; Done / Snooze / Log visit on a
follow-up; Plan a visit on a cooling contact; Plan the next step on a stale deal.

Each click redraws the message it came from (chat.update), so what was handled shows as such.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.checkins.days import local_today
from bot.checkins.prompts import prompt_day
from bot.core.clock import zone
from bot.core.i18n import format_day, t
from bot.followups.buttons import redrawn_follow_ups, visit_form_for
from bot.followups.rules import do_complete, do_plan_next_step, do_plan_visit, do_snooze
from bot.ui import blocks as bk
from handlers.commands.checkin import open_form
from handlers.listener import Request, listener
from handlers.payloads import BlockActionsPayload
from handlers.views.visit import open_visit_form

log = logging.getLogger("handlers.nudges")


def _where(req: Request) -> tuple[str | None, str | None]:
    """The channel and ts of the message whose button was pressed."""
    payload = req.payload
    assert isinstance(payload, BlockActionsPayload)
    ts = (payload.container.message_ts if payload.container else None) or (
        payload.message.ts if payload.message else None
    )
    return req.channel_id, ts


def _update(req: Request, text: str, blocks: list[dict[str, Any]]) -> None:
    channel, ts = _where(req)
    if not (channel and ts):
        return
    try:
        req.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not redraw the message: %s", exc.response.get("error"))


def _redraw_follow_ups(req: Request) -> None:
    message = req.body.get("message") or {}
    blocks = redrawn_follow_ups(req.svc.db, req.actor, list(message.get("blocks") or []), req.now)
    _update(req, str(message.get("text") or ""), blocks)


def _origin(req: Request) -> dict[str, str]:
    channel, ts = _where(req)
    return {"c": channel or "", "ts": ts or ""}


def _prompt_day(req: Request) -> date:
    """The day the pressed prompt was sent for (an old button opens its own day)."""
    return prompt_day(req.action.value, local_today(req.actor, req.now))


@listener()
def on_open_plan(req: Request) -> None:
    open_form(req, "plan", _origin(req), day=_prompt_day(req))


@listener()
def on_open_review(req: Request) -> None:
    open_form(req, "review", _origin(req), day=_prompt_day(req))


@listener()
def on_done(req: Request) -> None:
    do_complete(req.svc.db, req.actor, req.action.value, req.now)
    _redraw_follow_ups(req)


@listener()
def on_snooze(req: Request) -> None:
    option = req.action.selected_option
    follow_up_id, _, choice = (option.value if option else "").partition(":")
    do_snooze(req.svc.db, req.actor, follow_up_id, choice, req.now)
    _redraw_follow_ups(req)


@listener()
def on_log_visit(req: Request) -> None:
    """The visit form, prefilled with the follow-up's account, contact and what is owed."""
    open_visit_form(req, req.trigger_id, visit_form_for(req.svc.db, req.actor, req.action.value))


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


def _plan_follow_up(req: Request, *, make: Callable[..., Any], block_prefix: str, note_key: str) -> None:
    """A warning's button that turns its item into a follow-up, then marks the item in the message."""
    actor, object_id = req.actor, req.action.value
    follow_up = make(req.svc.db, actor, object_id, req.now)
    day = format_day(actor.lang, follow_up.due_at.astimezone(zone(actor.tz)).date())
    note = t(actor.lang, note_key, what=bk.escape(follow_up.text), day=day)
    _update(req, *_mark_block(req.body, f"{block_prefix}_{object_id}", note))


@listener()
def on_plan_visit(req: Request) -> None:
    _plan_follow_up(req, make=do_plan_visit, block_prefix="decay", note_key="decay.planned")


@listener()
def on_next_step(req: Request) -> None:
    _plan_follow_up(req, make=do_plan_next_step, block_prefix="stale", note_key="stale.planned")


def register(app: App) -> None:
    app.action("checkin_open_plan")(on_open_plan)
    app.action("checkin_open_review")(on_open_review)
    app.action("nudge_done")(on_done)
    app.action("nudge_snooze")(on_snooze)
    app.action("nudge_log_visit")(on_log_visit)
    app.action("decay_plan_visit")(on_plan_visit)
    app.action("stale_next_step")(on_next_step)

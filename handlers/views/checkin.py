"""Submissions of the check-in forms: the morning plan and the evening review."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.checkins import plan, review
from bot.checkins.days import local_today
from bot.checkins.prompts import answered
from bot.core.actor import Actor
from bot.core.i18n import format_day, t
from bot.ui.reply import Reply
from handlers._support import current_actor, services, user_errors
from handlers.commands.deal import parse_json, reply_after_modal

log = logging.getLogger("handlers.checkin")


def _values(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _day(meta: dict[str, Any], actor: Actor, now: datetime) -> date:
    """The form's day (from its private_metadata), or today's if that is not a date."""
    try:
        return date.fromisoformat(str(meta.get("d")))
    except ValueError:
        return local_today(actor, now)


def _answer(
    client: WebClient, body: dict[str, Any], actor: Actor, meta: dict[str, Any], day: date, kind: str, reply: Reply
) -> None:
    """Replace the prompt's button with what was saved (if the form came from the prompt),
    else answer where the form was opened."""
    channel, ts = meta.get("c"), meta.get("ts")
    if channel and ts:
        try:
            client.chat_update(
                channel=channel, ts=ts, text=reply.text, blocks=answered(actor.lang, day, kind, reply.text)
            )
            return
        except SlackApiError as exc:
            log.info("could not update the check-in prompt: %s", exc.response.get("error"))
    reply_after_modal(client, body, meta, reply)


def on_plan(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    parsed, errors = plan.parse_submission("zh" if meta.get("l") == "zh" else "en", _values(body))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, None):
        day = _day(meta, actor, svc.clock.now())
        checkin = plan.do_save_plan(svc.db, actor, day, parsed, svc.clock.now())
        text = t(
            actor.lang,
            "checkin.plan.saved",
            day=format_day(actor.lang, day),
            items=len(checkin.plan_items),
            visits=len(checkin.planned_visits),
        )
        _answer(client, body, actor, meta, day, "morning", Reply(text))


def on_review(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    with user_errors(client, body, actor, None):
        day = _day(meta, actor, svc.clock.now())
        saved = review.do_save_review(svc.db, actor, day, review.parse_submission(_values(body)), svc.clock.now())
        text = t(actor.lang, "checkin.review.saved", day=format_day(actor.lang, day), streak=saved.streak)
        if saved.done or saved.missed:
            text += " " + t(actor.lang, "checkin.review.outcome", done=saved.done, missed=saved.missed)
        _answer(client, body, actor, meta, day, "evening", Reply(text))


def register(app: App) -> None:
    app.view("checkin_plan")(on_plan)
    app.view("checkin_review")(on_review)

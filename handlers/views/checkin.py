"""Submissions of the check-in forms: the morning plan and the evening review."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.checkins import plan, review
from bot.checkins.days import local_today
from bot.checkins.prompts import answered
from bot.core.actor import Actor
from bot.core.i18n import Lang, format_day, t
from bot.ui.reply import Reply
from handlers.commands.deal import reply_after_modal
from handlers.listener import Request, form_text, listener, parse_json

log = logging.getLogger("handlers.checkin")


def _day(meta: dict[str, Any], actor: Actor, now: datetime) -> date:
    """The form's day (from its private_metadata), or today's if that is not a date."""
    try:
        return date.fromisoformat(str(meta.get("d")))
    except ValueError:
        return local_today(actor, now)


def _answer(req: Request, day: date, kind: str, reply: Reply) -> None:
    """Replace the prompt's button with what was saved (if the form came from the prompt),
    else answer where the form was opened."""
    channel, ts = req.meta.get("c"), req.meta.get("ts")
    if channel and ts:
        try:
            blocks = answered(req.lang, day, kind, reply.text)
            req.client.chat_update(channel=channel, ts=ts, text=reply.text, blocks=blocks)
            return
        except SlackApiError as exc:
            log.info("could not update the check-in prompt: %s", exc.response.get("error"))
    reply_after_modal(req, reply)


def _values(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _lang(body: dict[str, Any]) -> Lang:
    return "zh" if parse_json((body.get("view") or {}).get("private_metadata")).get("l") == "zh" else "en"


def _plan_errors(body: dict[str, Any], now: datetime) -> dict[str, str] | None:
    return plan.parse_submission(_lang(body), _values(body))[1] or None


@listener(form_text, form_errors=_plan_errors)
def on_plan(req: Request) -> None:
    actor = req.actor
    parsed, _ = plan.parse_submission(_lang(req.body), _values(req.body))
    day = _day(req.meta, actor, req.now)
    checkin = plan.do_save_plan(req.svc.db, actor, day, parsed, req.now)
    text = t(
        actor.lang,
        "checkin.plan.saved",
        day=format_day(actor.lang, day),
        items=len(checkin.plan_items),
        visits=len(checkin.planned_visits),
    )
    _answer(req, day, "morning", Reply(text))


@listener(form_text)
def on_review(req: Request) -> None:
    actor = req.actor
    day = _day(req.meta, actor, req.now)
    saved = review.do_save_review(req.svc.db, actor, day, review.parse_submission(_values(req.body)), req.now)
    text = t(actor.lang, "checkin.review.saved", day=format_day(actor.lang, day), streak=saved.streak)
    if saved.done or saved.missed:
        text += " " + t(actor.lang, "checkin.review.outcome", done=saved.done, missed=saved.missed)
    _answer(req, day, "evening", Reply(text))


def register(app: App) -> None:
    app.view("checkin_plan")(on_plan)
    app.view("checkin_review")(on_review)

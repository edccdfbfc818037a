"""Buttons of a meeting prompt (scheduler/jobs/meeting_prompts.py): Log visit opens the visit
form prefilled from the meeting; Not a customer meeting and Later answer it and redraw the
message in place (Later keeps the Log visit button)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.calendar import ops, render
from bot.calendar.prefill import meeting_form
from bot.core.i18n import t
from handlers._support import current_actor, services, user_errors
from handlers.views.visit import open_visit_form

log = logging.getLogger("handlers.meeting")


def _value(body: dict[str, Any]) -> str | None:
    return ((body.get("actions") or [{}])[0]).get("value")


def on_log_visit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        meeting_id, state, start = meeting_form(services(context).db, actor, _value(body))
        open_visit_form(context, client, body["trigger_id"], actor, state, meeting=(meeting_id, start))


def _answer(body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond, answer: str) -> None:
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, None, respond):
        meeting = ops.do_answer(services(context).db, actor, _value(body), answer)
        note_key = "calendar.prompt.later_note" if answer == "later" else "calendar.prompt.dismissed"
        message = body.get("message") or {}
        blocks = render.answered(
            list(message.get("blocks") or []),
            meeting.id,
            t(actor.lang, note_key),
            keep_log=answer == "later",
            lang=actor.lang,
        )
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        ts = (body.get("container") or {}).get("message_ts") or message.get("ts")
        if channel and ts:
            try:
                client.chat_update(channel=channel, ts=ts, text=str(message.get("text") or ""), blocks=blocks)
            except SlackApiError as exc:
                log.warning("could not redraw the prompt: %s", exc.response.get("error"))


def on_dismiss(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _answer(body, client, context, respond, "dismissed")


def on_later(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    _answer(body, client, context, respond, "later")


def register(app: App) -> None:
    app.action("meeting_log_visit")(on_log_visit)
    app.action("meeting_dismiss")(on_dismiss)
    app.action("meeting_later")(on_later)

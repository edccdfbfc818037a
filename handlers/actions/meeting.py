"""Buttons of a meeting prompt (scheduler/jobs/meeting_prompts.py): Log visit opens the visit
form prefilled from the meeting; Not a customer meeting and Later answer it and redraw the
message in place (Later keeps the Log visit button)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.calendar import ops, render
from bot.calendar.prefill import meeting_form
from bot.core.i18n import t
from handlers.listener import Request, listener
from handlers.payloads import BlockActionsPayload
from handlers.views.visit import open_visit_form

log = logging.getLogger("handlers.meeting")


@listener()
def on_log_visit(req: Request) -> None:
    meeting_id, state, start = meeting_form(req.svc.db, req.actor, req.action.value)
    open_visit_form(req, req.trigger_id, state, meeting=(meeting_id, start))


def _answer(req: Request, answer: str) -> None:
    actor = req.actor
    meeting = ops.do_answer(req.svc.db, actor, req.action.value, answer)
    note_key = "calendar.prompt.later_note" if answer == "later" else "calendar.prompt.dismissed"
    message = req.body.get("message") or {}
    blocks = render.answered(
        list(message.get("blocks") or []),
        meeting.id,
        t(actor.lang, note_key),
        keep_log=answer == "later",
        lang=actor.lang,
    )
    payload = req.payload
    assert isinstance(payload, BlockActionsPayload)
    ts = (payload.container.message_ts if payload.container else None) or message.get("ts")
    if req.channel_id and ts:
        try:
            req.client.chat_update(channel=req.channel_id, ts=ts, text=str(message.get("text") or ""), blocks=blocks)
        except SlackApiError as exc:
            log.warning("could not redraw the prompt: %s", exc.response.get("error"))


@listener()
def on_dismiss(req: Request) -> None:
    _answer(req, "dismissed")


@listener()
def on_later(req: Request) -> None:
    _answer(req, "later")


def register(app: App) -> None:
    app.action("meeting_log_visit")(on_log_visit)
    app.action("meeting_dismiss")(on_dismiss)
    app.action("meeting_later")(on_later)

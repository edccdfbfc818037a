"""`/visit`: log a visit in one line, open the visit form, list visits, help, language.

This is the command reps use most and it must feel instant. `/visit` with text is acked and
queued by its listener middleware (`AckAndQueue`), which under `serve` hands the request to a
worker process (runtime/worker.py), so the ack never waits behind other requests' work; the
listener `visit_from_text` then runs in the worker (or here, when nothing takes the hand-over).
`/visit` alone opens the form: `views.open` needs the trigger within 3 seconds of the user's
action, so that listener does its work in this process, right after its ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.clock import local_now, start_of_local_day
from bot.core.i18n import t
from bot.people.members import do_set_language
from bot.ui.reply import Reply, echo_reply
from bot.visits import history, ops, render
from handlers._support import (
    AckAndQueue,
)
from handlers.listener import Request, command_text, listener
from handlers.views.visit import open_visit_form

HELP_WORDS = ("help", "帮助", "?", "？")
LIST_WORDS = ("list", "列表", "最近")
TODAY_WORDS = ("today", "今天", "今日")
LANG_WORDS = ("lang", "language", "语言")


def has_text(body: dict[str, Any]) -> bool:
    return bool(unescape(body.get("text") or "").strip())


@listener()
def open_form(req: Request) -> None:
    """`/visit` with no text: the visit form."""
    open_visit_form(req, req.trigger_id, channel_id=req.channel_id)


def _typed(body: dict[str, Any]) -> str:
    return unescape(command_text(body))


@listener(_typed)
def visit_from_text(req: Request) -> None:
    """`/visit <text>`: help, list, today, lang, or a visit line to log. Under `serve` its ack
    was sent by `AckAndQueue` when the request was queued (a worker runs this later); the
    listener's ack answers only when it was not."""
    actor, text = req.actor, unescape(req.text).strip()
    word, _, rest = text.partition(" ")
    low = word.lower()
    if low in HELP_WORDS and not rest:
        req.reply(render.render_help(actor.lang))
    elif low in LIST_WORDS:
        req.reply(history_reply(req, rest))
    elif low in TODAY_WORDS and not rest:
        req.reply(_today(req))
    elif low in LANG_WORDS:
        req.reply(_set_language(req, rest))
    else:
        log_line(req, text)


def history_reply(req: Request, rest: str) -> Reply:
    """`/visit list …`: a page of the visits asked for, or why the query cannot be answered."""
    actor = req.actor
    query = history.parse_query(unescape(rest), req.now, actor.tz)
    try:
        page = history.list_history(req.svc.db, actor, query)
    except history.HistoryError as exc:
        return echo_reply(actor.lang, exc.message_key, f"/visit list {rest}".strip(), **exc.values)
    return history.render_history(actor.lang, actor.tz, page)


def unescape(text: str) -> str:
    """Slack sends &, < and > in command text as HTML entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def log_line(req: Request, text: str) -> None:
    actor = req.actor
    request_key = f"cmd:{req.trigger_id}" if req.trigger_id else None
    outcome = ops.do_log_line(req.svc.db, actor, text, now=req.now, request_key=request_key)
    req.reply(render.render_outcome(actor.lang, actor.tz, outcome, request_key))


def _today(req: Request) -> Reply:
    actor = req.actor
    day = local_now(req.svc.clock, actor.tz).date()
    start = start_of_local_day(day, actor.tz)
    end = start_of_local_day(day.fromordinal(day.toordinal() + 1), actor.tz)
    visits = ops.visits_on_day(req.svc.db, actor, start, end)
    return render.render_list(actor.lang, actor.tz, visits, today=True)


def _set_language(req: Request, rest: str) -> Reply:
    choice = rest.strip().lower()
    lang = "zh" if choice in ("zh", "cn", "中文", "chinese") else "en" if choice in ("en", "英文", "english") else None
    if lang is None:
        return Reply(t(req.lang, "visit.lang.usage"))
    updated = do_set_language(req.svc.db, req.actor, lang)
    return Reply(t(updated.lang, "visit.lang.done"))


def register(app: App) -> None:
    app.command("/visit", matchers=[has_text], middleware=[AckAndQueue("visit_from_text")])(visit_from_text)
    app.command("/visit")(open_form)

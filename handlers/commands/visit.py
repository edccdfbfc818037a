"""`/visit`: log a visit in one line, open the visit form, list visits, help, language.

This is the command reps use most and it must feel instant. `/visit` with text is acked by
an ack-only function and its work is a Bolt lazy function (`visit_from_text`), which `serve`
hands to a worker process (runtime/worker.py), so the ack never waits behind other requests' work.
`/visit` alone opens the form: `views.open` needs the trigger within 3 seconds of the user's
action, so that listener does its work in this process, right after its ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.clock import local_now, start_of_local_day
from bot.core.i18n import t
from bot.people.members import do_set_language
from bot.ui.reply import Reply, echo_reply
from bot.visits import history, ops, render
from handlers._support import actor_or_apology, request_time, send_ephemeral, services, user_errors
from handlers.views.visit import open_visit_form

HELP_WORDS = ("help", "帮助", "?", "？")
LIST_WORDS = ("list", "列表", "最近")
TODAY_WORDS = ("today", "今天", "今日")
LANG_WORDS = ("lang", "language", "语言")


def has_text(body: dict[str, Any]) -> bool:
    return bool(unescape(body.get("text") or "").strip())


def ack_only(ack: Ack) -> None:
    ack()


def open_form(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """`/visit` with no text: the visit form."""
    ack()
    actor = actor_or_apology(context, client, body, "", respond)
    if actor is None:
        return
    with user_errors(client, body, actor, "", respond):
        open_visit_form(context, client, body["trigger_id"], actor, channel_id=body.get("channel_id"))


def visit_from_text(body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """`/visit <text>` after its ack: help, list, today, lang, or a visit line to log."""
    text = unescape(body.get("text") or "").strip()
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:
        return
    with user_errors(client, body, actor, text, respond):
        word, _, rest = text.partition(" ")
        low = word.lower()
        if low in HELP_WORDS and not rest:
            send_ephemeral(client, body, render.render_help(actor.lang), respond)
        elif low in LIST_WORDS:
            send_ephemeral(client, body, history_reply(context, actor, rest), respond)
        elif low in TODAY_WORDS and not rest:
            send_ephemeral(client, body, _today(context, actor), respond)
        elif low in LANG_WORDS:
            send_ephemeral(client, body, _set_language(context, actor, rest), respond)
        else:
            log_line(context, client, body, actor, text, respond)


def history_reply(context: dict[str, Any], actor: Actor, rest: str) -> Reply:
    """`/visit list …`: a page of the visits asked for, or why the query cannot be answered."""
    svc = services(context)
    query = history.parse_query(unescape(rest), svc.clock.now(), actor.tz)
    try:
        page = history.list_history(svc.db, actor, query)
    except history.HistoryError as exc:
        return echo_reply(actor.lang, exc.message_key, f"/visit list {rest}".strip(), **exc.values)
    return history.render_history(actor.lang, actor.tz, page)


def unescape(text: str) -> str:
    """Slack sends &, < and > in command text as HTML entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def log_line(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, text: str, respond: Respond
) -> None:
    svc = services(context)
    request_key = f"cmd:{body.get('trigger_id') or ''}" if body.get("trigger_id") else None
    outcome = ops.do_log_line(svc.db, actor, text, now=request_time(context), request_key=request_key)
    send_ephemeral(client, body, render.render_outcome(actor.lang, actor.tz, outcome, request_key), respond)


def _today(context: dict[str, Any], actor: Actor) -> Reply:
    svc = services(context)
    day = local_now(svc.clock, actor.tz).date()
    start = start_of_local_day(day, actor.tz)
    end = start_of_local_day(day.fromordinal(day.toordinal() + 1), actor.tz)
    visits = ops.visits_on_day(svc.db, actor, start, end)
    return render.render_list(actor.lang, actor.tz, visits, today=True)


def _set_language(context: dict[str, Any], actor: Actor, rest: str) -> Reply:
    choice = rest.strip().lower()
    lang = "zh" if choice in ("zh", "cn", "中文", "chinese") else "en" if choice in ("en", "英文", "english") else None
    if lang is None:
        return Reply(t(actor.lang, "visit.lang.usage"))
    updated = do_set_language(services(context).db, actor, lang)
    return Reply(t(updated.lang, "visit.lang.done"))


def register(app: App) -> None:
    app.command("/visit", matchers=[has_text])(ack=ack_only, lazy=[visit_from_text])
    app.command("/visit")(open_form)

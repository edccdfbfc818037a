"""Submissions of the deal modals: won/lost (`deal_close`), update (`deal_update`) and the
stage list (`deal_stages`). Input errors that need no database are answered in the modal;
everything else is acknowledged first and answered where the modal was opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.i18n import lang_for, t
from bot.deals.coach import check_stage_lines, submit_stages
from bot.deals.commands import read_update_form, submit_close, submit_update
from handlers._support import current_actor, services, user_errors
from handlers.commands.deal import parse_json, reply_after_modal


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    return parse_json((body.get("view") or {}).get("private_metadata"))


def on_close(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    meta = _meta(body)
    values = _values(body)
    picked = ((values.get("reasons") or {}).get("pick") or {}).get("selected_options") or []
    reasons = [str(option.get("value")) for option in picked if isinstance(option, dict)]
    lesson = ((values.get("lesson") or {}).get("text") or {}).get("value")
    with user_errors(client, body, actor, lesson):
        reply = submit_close(svc.db, actor, meta, reasons, lesson, svc.clock.now())
        reply_after_modal(client, body, meta, reply)


def on_update(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    meta = _meta(body)
    form, errors = read_update_form(_values(body))
    if errors:
        lang = lang_for(meta.get("l"))
        ack(response_action="errors", errors={block: t(lang, key) for block, key in errors.items()})
        return
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, form.note):
        reply = submit_update(svc.db, actor, meta, form, svc.clock.now())
        reply_after_modal(client, body, meta, reply)


def on_stages(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    meta = _meta(body)
    text = ((_values(body).get("lines") or {}).get("text") or {}).get("value") or ""
    problem = check_stage_lines(text, lang_for(meta.get("l")))
    if problem:
        ack(response_action="errors", errors={"lines": problem})
        return
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, text):
        reply_after_modal(client, body, meta, submit_stages(svc.db, actor, text))


def register(app: App) -> None:
    app.view("deal_close")(on_close)
    app.view("deal_update")(on_update)
    app.view("deal_stages")(on_stages)

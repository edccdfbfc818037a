"""Submissions of the deal modals: won/lost (`deal_close`), update (`deal_update`) and the
stage list (`deal_stages`). Input errors that need no database are answered in the modal;
everything else is acknowledged first and answered where the modal was opened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.core.i18n import lang_for, t
from bot.deals.coach import check_stage_lines, submit_stages
from bot.deals.commands import read_update_form, submit_close, submit_update
from handlers.commands.deal import reply_after_modal
from handlers.listener import Request, listener, parse_json


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    return parse_json((body.get("view") or {}).get("private_metadata"))


def _lesson(body: dict[str, Any]) -> str | None:
    return ((_values(body).get("lesson") or {}).get("text") or {}).get("value")


@listener(_lesson)
def on_close(req: Request) -> None:
    picked = ((_values(req.body).get("reasons") or {}).get("pick") or {}).get("selected_options") or []
    reasons = [str(option.get("value")) for option in picked if isinstance(option, dict)]
    reply_after_modal(req, submit_close(req.svc.db, req.actor, req.meta, reasons, _lesson(req.body), req.now))


def _update_errors(body: dict[str, Any], now: datetime) -> dict[str, str] | None:
    _, errors = read_update_form(_values(body))
    if not errors:
        return None
    lang = lang_for(_meta(body).get("l"))
    return {block: t(lang, key) for block, key in errors.items()}


def _note(body: dict[str, Any]) -> str | None:
    return read_update_form(_values(body))[0].note


@listener(_note, form_errors=_update_errors)
def on_update(req: Request) -> None:
    form, _ = read_update_form(_values(req.body))
    reply_after_modal(req, submit_update(req.svc.db, req.actor, req.meta, form, req.now))


def _lines(body: dict[str, Any]) -> str:
    return ((_values(body).get("lines") or {}).get("text") or {}).get("value") or ""


def _stage_errors(body: dict[str, Any], now: datetime) -> dict[str, str] | None:
    problem = check_stage_lines(_lines(body), lang_for(_meta(body).get("l")))
    return {"lines": problem} if problem else None


@listener(_lines, form_errors=_stage_errors)
def on_stages(req: Request) -> None:
    reply_after_modal(req, submit_stages(req.svc.db, req.actor, _lines(req.body)))


def register(app: App) -> None:
    app.view("deal_close")(on_close)
    app.view("deal_update")(on_update)
    app.view("deal_stages")(on_stages)

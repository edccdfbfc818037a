"""Submission of the lead form (`lead_form`): a missing company or person is answered in the
form; otherwise the lead is stored (the form's view id makes a double submit store it once) and
the result is answered where the form was opened, else by DM."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.core.i18n import lang_for, t
from bot.leads.form import CALLBACK, read_form
from bot.leads.judge import DROP_CALLBACK, DROP_REASONS, NeedsOverride, do_drop_lead, read_drop_form
from bot.leads.ops import LeadInputError, do_create_lead
from bot.leads.render import render_created
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers.commands.deal import reply_after_modal
from handlers.listener import Request, form_text, listener, parse_json


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    return parse_json((body.get("view") or {}).get("private_metadata"))


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _lead_errors(body: dict[str, Any], _now: datetime) -> dict[str, str] | None:
    """A missing company or person, answered in the form before any Slack or database call."""
    fields, _ = read_form(_values(body))
    try:
        fields.checked()
    except LeadInputError as exc:
        return {exc.field: t(lang_for(_meta(body).get("l")), "lead.form.required")}
    return None


@listener(form_text, form_errors=_lead_errors)
def on_submit(req: Request) -> None:
    fields, assignee = read_form(_values(req.body))
    outcome = do_create_lead(
        req.svc.db, req.actor, fields.checked(), req.now, assignee_user=assignee, request_key=f"view:{req.view.id}"
    )
    reply_after_modal(req, render_created(req.lang, req.actor.tz, outcome, fields.person))


def _drop_errors(body: dict[str, Any], _now: datetime) -> dict[str, str] | None:
    """The drop form: a reason is required, and the override box when the form asked for it."""
    meta = _meta(body)
    reason, _note, override = read_drop_form(_values(body))
    lang = lang_for(meta.get("l"))
    if reason not in DROP_REASONS:
        return {"reason": t(lang, "lead.form.required")}
    if meta.get("o") and not override:
        return {"override": t(lang, "lead.drop.needs_override")}
    return None


@listener(form_text, form_errors=_drop_errors)
def on_drop(req: Request) -> None:
    meta = req.meta
    reason, note, override = read_drop_form(_values(req.body))
    try:
        lead = do_drop_lead(req.svc.db, req.actor, meta.get("lead"), reason, note, override, req.now)
    except NeedsOverride:  # fewer contacts than when the form opened (a visit undone since)
        reply_after_modal(req, Reply(t(req.lang, "lead.drop.needs_override")))
        return
    channel, ts = meta.get("c"), meta.get("ts")
    if channel and ts:  # the DM the button was on: its buttons give way to what happened
        reason_text = t(req.lang, f"lead.drop.reason.{reason}")
        state = t(req.lang, "lead.state.dropped_reason", account=bk.escape(lead.company), reason=reason_text)
        req.client.chat_update(channel=channel, ts=ts, text=state, blocks=[bk.section(state)])


def register(app: App) -> None:
    app.view(CALLBACK)(on_submit)
    app.view(DROP_CALLBACK)(on_drop)

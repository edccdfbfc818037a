"""Submission of the lead form (`lead_form`): a missing company or person is answered in the
form; otherwise the lead is stored (the form's view id makes a double submit store it once) and
the result is answered where the form was opened, else by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.i18n import lang_for, t
from bot.leads.form import CALLBACK, read_form
from bot.leads.judge import DROP_CALLBACK, DROP_REASONS, NeedsOverride, do_drop_lead, read_drop_form
from bot.leads.ops import LeadInputError, do_create_lead
from bot.leads.render import render_created
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers._support import current_actor, services, user_errors
from handlers.commands.deal import parse_json, reply_after_modal


def on_submit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    fields, assignee = read_form((view.get("state") or {}).get("values") or {})
    try:
        fields = fields.checked()
    except LeadInputError as exc:  # answered in the form, before any Slack or database call
        ack(response_action="errors", errors={exc.field: t(lang_for(meta.get("l")), "lead.form.required")})
        return
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    typed = " · ".join(v for v in (fields.company, fields.person, fields.phone, fields.email, fields.note) if v)
    with user_errors(client, body, actor, typed):
        outcome = do_create_lead(
            svc.db,
            actor,
            fields,
            svc.clock.now(),
            assignee_user=assignee,
            request_key=f"view:{view.get('id')}" if view.get("id") else None,
        )
        reply_after_modal(client, body, meta, render_created(actor.lang, actor.tz, outcome, fields.person))


def on_drop(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """The drop form: a reason is required, and the override box when the form asked for it."""
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    reason, note, override = read_drop_form((view.get("state") or {}).get("values") or {})
    lang = lang_for(meta.get("l"))
    if reason not in DROP_REASONS:
        ack(response_action="errors", errors={"reason": t(lang, "lead.form.required")})
        return
    if meta.get("o") and not override:
        ack(response_action="errors", errors={"override": t(lang, "lead.drop.needs_override")})
        return
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    with user_errors(client, body, actor, note):
        try:
            lead = do_drop_lead(svc.db, actor, meta.get("lead"), reason, note, override, svc.clock.now())
        except NeedsOverride:  # fewer contacts than when the form opened (a visit undone since)
            reply_after_modal(client, body, meta, Reply(t(actor.lang, "lead.drop.needs_override")))
            return
        channel, ts = meta.get("c"), meta.get("ts")
        if channel and ts:  # the DM the button was on: its buttons give way to what happened
            reason_text = t(actor.lang, f"lead.drop.reason.{reason}")
            state = t(actor.lang, "lead.state.dropped_reason", account=bk.escape(lead.company), reason=reason_text)
            client.chat_update(channel=channel, ts=ts, text=state, blocks=[bk.section(state)])


def register(app: App) -> None:
    app.view(CALLBACK)(on_submit)
    app.view(DROP_CALLBACK)(on_drop)

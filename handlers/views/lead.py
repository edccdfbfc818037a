"""Submission of the lead form (`lead_form`): a missing company or person is answered in the
form; otherwise the lead is stored (the form's view id makes a double submit store it once) and
the result is answered where the form was opened, else by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.access import AccessError
from bot.core.i18n import t
from bot.leads.form import CALLBACK, read_form
from bot.leads.judge import DROP_CALLBACK, DROP_REASONS, NeedsOverride, do_drop_lead, read_drop_form
from bot.leads.ops import LeadInputError, do_create_lead
from bot.leads.render import render_created
from bot.ui import blocks as bk
from handlers._support import current_actor, services, user_errors
from handlers.commands.deal import parse_json, reply_after_modal


def on_submit(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    view = body.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}
    fields, assignee = read_form(values)
    try:
        fields = fields.checked()
    except LeadInputError as exc:
        actor = current_actor(context, client, body)
        ack(response_action="errors", errors={exc.field: t(actor.lang, "lead.form.required")})
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
        meta = parse_json(view.get("private_metadata"))
        reply_after_modal(client, body, meta, render_created(actor.lang, actor.tz, outcome, fields.person))


def on_drop(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """The drop form: a reason is required; under the contacts rule the override box too."""
    view = body.get("view") or {}
    meta = parse_json(view.get("private_metadata"))
    reason, note, override = read_drop_form((view.get("state") or {}).get("values") or {})
    actor = current_actor(context, client, body)
    if reason not in DROP_REASONS:
        ack(response_action="errors", errors={"reason": t(actor.lang, "lead.form.required")})
        return
    svc = services(context)
    try:
        lead = do_drop_lead(svc.db, actor, meta.get("lead"), reason, note, override, svc.clock.now())
    except NeedsOverride:
        ack(response_action="errors", errors={"override": t(actor.lang, "lead.drop.needs_override")})
        return
    except AccessError:
        ack(response_action="errors", errors={"reason": t(actor.lang, "common.not_found")})
        return
    ack()
    with user_errors(client, body, actor, note):
        channel, ts = meta.get("c"), meta.get("ts")
        if channel and ts:  # the DM the button was on: its buttons give way to what happened
            reason_text = t(actor.lang, f"lead.drop.reason.{reason}")
            state = t(actor.lang, "lead.state.dropped_reason", account=bk.escape(lead.company), reason=reason_text)
            client.chat_update(channel=channel, ts=ts, text=state, blocks=[bk.section(state)])


def register(app: App) -> None:
    app.view(CALLBACK)(on_submit)
    app.view(DROP_CALLBACK)(on_drop)

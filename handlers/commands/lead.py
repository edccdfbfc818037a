"""`/lead`: log a lead in one line (`/lead 理光 王军 13800000000 来自展会 想了解A3`), help, or
(alone) open the lead form.

Acked at once; the work runs after the ack (a Bolt lazy listener, spooled to a worker by
`serve`). The lead's assignee gets its DM from the `lead-clock` job (scheduler/jobs/lead_clock.py)
through the delivery ledger; the person who typed it gets an ephemeral saying where it went.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.leads.form import lead_form
from bot.leads.ops import LeadFields, LeadInputError, do_create_lead
from bot.leads.parse import parse_lead_line
from bot.leads.render import render_created
from bot.people.members import workspace_config
from bot.ui.reply import Reply, echo_reply
from handlers._support import actor_or_apology, request_time, send_ephemeral, services, user_errors
from handlers.commands.deal import with_response_url
from handlers.commands.visit import HELP_WORDS, has_text, unescape


def ack_only(ack: Ack) -> None:
    ack()


def lead_from_text(body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    text = unescape(body.get("text") or "").strip()
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:
        return
    svc = services(context)
    with user_errors(client, body, actor, text, respond):
        if not text or text.lower() in HELP_WORDS:
            with svc.db.transaction() as session:
                hours = workspace_config(session, actor.team_id).follow_up.new_lead_hours
            send_ephemeral(client, body, Reply(t(actor.lang, "lead.help", hours=f"{hours:g}")), respond)
            return
        line = parse_lead_line(text)
        fields = LeadFields(line.company, line.person, line.phone, line.email, line.source, line.note)
        trigger = body.get("trigger_id")
        try:
            outcome = do_create_lead(
                svc.db,
                actor,
                fields,
                request_time(context),
                assignee_user=line.assignee_user,
                request_key=f"cmd:{trigger}" if trigger else None,
            )
        except LeadInputError as exc:
            reply = echo_reply(actor.lang, f"lead.missing.{exc.field}", text, company=line.company)
            send_ephemeral(client, body, reply, respond)
            return
        send_ephemeral(client, body, render_created(actor.lang, actor.tz, outcome, line.person), respond)


def open_form(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    """`/lead` alone: the lead form (views.open needs the trigger within 3 s: done here, after the ack)."""
    ack()
    actor = actor_or_apology(context, client, body, "", respond)
    if actor is None:
        return
    with user_errors(client, body, actor, "", respond):
        client.views_open(
            trigger_id=body["trigger_id"], view=with_response_url(lead_form(actor.lang), body.get("response_url"))
        )


def register(app: App) -> None:
    app.command("/lead", matchers=[has_text])(ack=ack_only, lazy=[lead_from_text])
    app.command("/lead")(open_form)

"""`/lead`: log a lead in one line (`/lead 理光 王军 13800000000 来自展会 想了解A3`), help, or
(alone) open the lead form.

The lead's assignee gets its DM from the `lead-clock` job (scheduler/jobs/lead_clock.py)
through the delivery ledger; the person who typed it gets an ephemeral saying where it went.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.i18n import t
from bot.leads.form import lead_form
from bot.leads.ops import LeadFields, LeadInputError, do_create_lead
from bot.leads.parse import parse_lead_line
from bot.leads.render import render_created
from bot.people.members import workspace_config
from bot.ui.reply import Reply, echo_reply
from handlers.commands.deal import with_response_url
from handlers.commands.visit import HELP_WORDS, has_text, unescape
from handlers.listener import Request, command_text, listener


def _typed(body: dict[str, Any]) -> str:
    return unescape(command_text(body))


@listener(_typed)
def lead_from_text(req: Request) -> None:
    actor, text = req.actor, unescape(req.text).strip()
    if not text or text.lower() in HELP_WORDS:
        with req.svc.db.transaction() as session:
            hours = workspace_config(session, actor.team_id).follow_up.new_lead_hours
        req.reply(Reply(t(actor.lang, "lead.help", hours=f"{hours:g}")))
        return
    line = parse_lead_line(text)
    fields = LeadFields(line.company, line.person, line.phone, line.email, line.source, line.note)
    trigger = req.trigger_id
    try:
        outcome = do_create_lead(
            req.svc.db,
            actor,
            fields,
            req.now,
            assignee_user=line.assignee_user,
            request_key=f"cmd:{trigger}" if trigger else None,
        )
    except LeadInputError as exc:
        req.reply(echo_reply(actor.lang, f"lead.missing.{exc.field}", text, company=line.company))
        return
    req.reply(render_created(actor.lang, actor.tz, outcome, line.person))


@listener()
def open_form(req: Request) -> None:
    """`/lead` alone: the lead form (views.open needs the trigger within 3 s)."""
    view = with_response_url(lead_form(req.lang), req.body.get("response_url"))
    req.client.views_open(trigger_id=req.trigger_id, view=view)


def register(app: App) -> None:
    app.command("/lead", matchers=[has_text])(lead_from_text)
    app.command("/lead")(open_form)

"""What the visit form opens with: a stored visit (Edit), or text (a message, or a line that
could not be logged as is), read with the one-line parser and matched without guessing."""

from __future__ import annotations

from datetime import datetime

from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.i18n import Lang, join_list, t
from bot.visits import ops
from bot.visits.known import recognise
from bot.visits.modal import FormState
from bot.visits.parse import ParsedContact, join_phrases, parse_visit
from bot.visits.render import role_label
from storage.db import Database


def _names(lang: Lang, contacts: list[ParsedContact]) -> str:
    """Contacts as the form's "new contacts" field reads them back: "Zhang (decision maker)"."""
    parts = []
    for c in contacts:
        extra = role_label(lang, c.role).strip() if c.role else (f"({c.title})" if c.title else "")
        parts.append(f"{c.name} {extra}".strip())
    return join_list(lang, parts)  # "、" in Chinese, which the field reads back as a separator


def form_from_text(db: Database, actor: Actor, text: str, now: datetime, *, as_notes: bool) -> FormState:
    """The form prefilled from `text`; with `as_notes` (a message turned into a visit) the
    whole text goes into the notes and only clear facts are lifted out of it."""
    text = text[:3000]
    with db.transaction() as session:
        known = recognise(session, actor, text)  # the names the workspace knows, as `/visit` reads them
    parsed = parse_visit(text, actor.tz, now, actor.lang, names=known.names)
    account, found, phrases = ops.clear_account_for(db, actor, parsed, known)
    contacts = list({c.id: c for c in found.values()}.values())
    state = FormState(
        account=(f"a:{account.id}", account.name) if account else None,
        contacts=[(c.id, c.name + role_label(actor.lang, c.buying_role)) for c in contacts],
        channel=parsed.resolved_channel,
        day=parsed.visit_date,
        next_step=parsed.next_step or "",
    )
    state.new_contacts = _names(actor.lang, [pc for i, pc in enumerate(parsed.contacts) if i not in found])
    if parsed.next_due is not None:
        local = parsed.next_due.astimezone(zone(actor.tz))
        state.due_day, state.due_time = local.date(), local.strftime("%H:%M")
        state.next_step = state.next_step or t(actor.lang, "visit.default_step")
    if as_notes:
        state.notes = text
    else:
        rest = phrases if account else parsed.main_phrases[1:]
        state.purpose = (join_phrases([*rest, *parsed.purpose_phrases]) or "")[:500]
        state.notes = parsed.notes or ""
        if account is None and parsed.account:
            state.notes = "\n".join(x for x in (state.notes, text) if x)[:3000]
    return state


def form_from_visit(visit: ops.VisitView, actor: Actor) -> FormState:
    local = visit.next_due.astimezone(zone(actor.tz)) if visit.next_due else None
    return FormState(
        account=(f"a:{visit.account_id}", visit.account_name),
        contacts=[(c.contact_id, c.name + role_label(actor.lang, c.role)) for c in visit.contacts],
        levels={c.contact_id: c.level_after for c in visit.contacts},
        channel=visit.channel,
        day=visit.occurred_at.astimezone(zone(actor.tz)).date(),
        purpose=visit.purpose or "",
        notes=visit.notes or "",
        next_step=visit.next_step or "",
        due_day=local.date() if local else None,
        due_time=local.strftime("%H:%M") if local else None,
        permalink=visit.permalink,
    )

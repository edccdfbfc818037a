"""`/contact NAME` (联系人): a contact's card (account, role, title, department, level, last
face-to-face meeting, cadence status, recent visits) and its Edit form (role, title, department,
level with the reason), each change kept in the audit trail.

Only contacts on accounts the actor may see are found (`bot.core.access`); a name that fits
several is answered with a button per contact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.accounts.cadence import ladder
from bot.core.access import AccessError, access_contact, team_person_ids
from bot.core.actor import Actor
from bot.core.audit import record_change
from bot.core.i18n import Lang, t
from bot.core.text import normalize
from bot.people.members import workspace_config
from bot.records.trail import SHOW_ACTION as HISTORY_ACTION
from bot.records.trail import trail_page
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits.ops import VisitView, load_view
from bot.visits.render import list_line, when
from storage.db import Database
from storage.models import Account, Contact, Deal, FollowUp, Visit, VisitContact

ROLES = ("decision_maker", "influencer", "user", "purchaser", "coach")
SHOW_ACTION = "contact_show"
EDIT_ACTION = "contact_edit"
CALLBACK = "contact_edit_form"
MAX_FOUND = 10
RECENT_VISITS = 5
MAX_TEXT = 120


@dataclass(frozen=True)
class ContactCard:
    id: int
    name: str
    account_name: str
    role: str | None
    title: str | None
    department: str | None
    level: int
    last_face_to_face: datetime | None
    cadence_days: int  # the first rung of its ladder: how often it should be met
    days_since: int | None
    visits: list[VisitView]


def find_visible(session: Session, actor: Actor, text: str) -> list[Contact]:
    """Contacts whose name contains `text`, on accounts the actor may see (unowned included)."""
    key = normalize(text)
    if not key:
        return []
    visible = team_person_ids(session, actor)
    query = (
        select(Contact)
        .join(Account, Account.id == Contact.account_id)
        .where(Contact.team_id == actor.team_id, Contact.name_norm.like(f"%{key}%"))
        .order_by(Contact.name_norm != key, Contact.name, Contact.id)
        .limit(MAX_FOUND + 1)
    )
    if visible is not None:
        query = query.where(or_(Account.owner_id.is_(None), Account.owner_id.in_(sorted(visible))))
    return list(session.scalars(query))


def load_card(session: Session, actor: Actor, contact: Contact, now: datetime) -> ContactCard:
    account = session.get(Account, contact.account_id)
    cadence = workspace_config(session, actor.team_id).cadence
    key = bool(contact.buying_role in cadence.key_roles) and bool(
        session.scalar(select(Deal.id).where(Deal.account_id == contact.account_id, Deal.status == "open").limit(1))
    )
    rungs = ladder(cadence, contact.buying_role, key) or [30]
    visits = session.scalars(
        select(Visit)
        .join(VisitContact, VisitContact.visit_id == Visit.id)
        .where(VisitContact.contact_id == contact.id)
        .order_by(Visit.occurred_at.desc(), Visit.id.desc())
        .limit(RECENT_VISITS)
    ).all()
    f2f = contact.last_face_to_face_at
    return ContactCard(
        id=contact.id,
        name=contact.name,
        account_name=account.name if account else "",
        role=contact.buying_role,
        title=contact.title,
        department=contact.department,
        level=contact.relationship_level,
        last_face_to_face=f2f,
        cadence_days=rungs[0],
        days_since=(now - f2f).days if f2f else None,
        visits=[load_view(session, v) for v in visits],
    )


def _role(lang: Lang, role: str | None) -> str:
    return t(lang, f"visit.role.{role}") if role in ROLES else t(lang, "contact.none")


def render_card(lang: Lang, tz: str | None, card: ContactCard) -> Reply:
    """The card, with an Edit button."""
    if card.days_since is None:
        cadence = t(lang, "contact.cadence.never", days=card.cadence_days)
    elif card.days_since > card.cadence_days:
        cadence = t(lang, "contact.cadence.overdue", since=card.days_since, days=card.cadence_days)
    else:
        cadence = t(lang, "contact.cadence.ok", since=card.days_since, days=card.cadence_days)
    none = t(lang, "contact.none")
    met = when(lang, card.last_face_to_face, tz) if card.last_face_to_face else none
    fields = [
        f"*{t(lang, 'contact.account')}*\n{bk.escape(card.account_name)}",
        f"*{t(lang, 'contact.role')}*\n{_role(lang, card.role)}",
        f"*{t(lang, 'contact.title')}*\n{bk.escape(card.title or none)}",
        f"*{t(lang, 'contact.department')}*\n{bk.escape(card.department or none)}",
        f"*{t(lang, 'contact.level')}*\n{t(lang, f'visit.level.{card.level}')}",
        f"*{t(lang, 'contact.last_f2f')}*\n{met}",
    ]
    blocks: list[bk.Block] = [
        bk.header(card.name),
        bk.section(fields=fields),
        bk.context(cadence),
    ]
    lines = [list_line(lang, v, tz) for v in card.visits]
    if lines:
        blocks += bk.pack_lines(
            lines,
            max_blocks=2,
            title=f"*{t(lang, 'contact.recent')}*",
            more=lambda n: t(lang, "common.more", count=n),
        )
    blocks.append(
        bk.actions(
            bk.button(t(lang, "contact.edit"), EDIT_ACTION, str(card.id)),
            bk.button(t(lang, "trail.history"), HISTORY_ACTION, f"contact:{card.id}"),
        )
    )
    return Reply(text=f"{card.name} · {card.account_name}", blocks=blocks)


_HISTORY = re.compile(r"^(?P<name>.+?)\s+(?:history|历史|修改记录)$", re.I)
_MERGE = re.compile(r"^(?P<source>.+?)\s+(?:merge into|merge|合并到|合并)\s+(?P<target>.+)$", re.I)


def _one(session: Session, actor: Actor, name: str) -> Contact:
    found = find_visible(session, actor, name)
    exact = [c for c in found if c.name_norm == normalize(name)]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise ContactError("contact.none_found", name=name)
    raise ContactError("contact.merge_which", name=name, names=", ".join(c.name for c in found[:MAX_FOUND]))


class ContactError(AccessError):
    def __init__(self, message_key: str, **values: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.values = values


def do_merge_contacts(db: Database, actor: Actor, source_name: str, target_name: str, now: datetime) -> ContactCard:
    """Merge a duplicate into the contact it duplicates (same account): its visits and
    follow-ups move, the best of its details is kept, and the merge goes in the audit trail."""
    with db.transaction() as session:
        source, target = _one(session, actor, source_name), _one(session, actor, target_name)
        if source.id == target.id or source.account_id != target.account_id:
            raise ContactError("contact.merge_other_account")
        before = {"source": {"id": source.id, "name": source.name, **_fields(source)}, "target": _fields(target)}
        target_visits = set(session.scalars(select(VisitContact.visit_id).where(VisitContact.contact_id == target.id)))
        both = []
        for link in session.scalars(select(VisitContact).where(VisitContact.contact_id == source.id)).all():
            if link.visit_id in target_visits:  # the visit met both "people": it stays linked once
                both.append(link.visit_id)
                session.delete(link)
            else:
                link.contact_id = target.id
        session.flush()
        session.execute(update(FollowUp).where(FollowUp.contact_id == source.id).values(contact_id=target.id))
        target.title = target.title or source.title
        target.department = target.department or source.department
        target.buying_role = target.buying_role or source.buying_role
        target.relationship_level = max(target.relationship_level, source.relationship_level)
        for name in ("last_face_to_face_at", "last_touch_at"):
            values = [v for v in (getattr(target, name), getattr(source, name)) if v is not None]
            setattr(target, name, max(values) if values else None)
        session.delete(source)
        session.flush()
        after = {"target": _fields(target), "visits_met_both": both}
        record_change(session, actor, "contact", target.id, "merge", before, after, now)
        return load_card(session, actor, target, now)


def contact_reply(db: Database, actor: Actor, text: str, now: datetime) -> Reply:
    """`/contact NAME`: the one contact's card, a choice between several, or none found;
    `/contact A merge into B`: a duplicate merged."""
    name = " ".join(text.split())
    if not name or name.lower() in ("help", "帮助", "?", "？"):
        return echo_reply(actor.lang, "contact.usage", None)
    history = _HISTORY.match(name)
    if history:  # its audit trail (`_one` finds only contacts the actor may see)
        try:
            with db.transaction() as session:
                return trail_page(session, actor, "contact", _one(session, actor, history["name"]).id, 0)
        except ContactError as exc:
            return echo_reply(
                actor.lang, exc.message_key, text, **{k: bk.escape(str(v)) for k, v in exc.values.items()}
            )
    merge = _MERGE.match(name)
    if merge:
        try:
            card = do_merge_contacts(db, actor, merge["source"], merge["target"], now)
        except ContactError as exc:
            return echo_reply(
                actor.lang, exc.message_key, text, **{k: bk.escape(str(v)) for k, v in exc.values.items()}
            )
        reply = render_card(actor.lang, actor.tz, card)
        done = t(actor.lang, "contact.merged", source=bk.escape(merge["source"]), target=bk.escape(card.name))
        return Reply(done, [bk.section(done), *reply.blocks])
    with db.transaction() as session:
        found = find_visible(session, actor, name)
        exact = [c for c in found if c.name_norm == normalize(name)]
        if len(exact) == 1 or len(found) == 1:
            return render_card(actor.lang, actor.tz, load_card(session, actor, (exact or found)[0], now))
        if not found:
            return echo_reply(actor.lang, "contact.none_found", text, name=bk.escape(name))
        accounts = {
            a.id: a.name for a in session.scalars(select(Account).where(Account.id.in_({c.account_id for c in found})))
        }
    lang = actor.lang
    question = t(lang, "contact.several", name=bk.escape(name))
    buttons = [
        bk.button(f"{c.name} · {accounts.get(c.account_id, '')}", f"{SHOW_ACTION}_{i}", str(c.id))
        for i, c in enumerate(found[:MAX_FOUND])
    ]
    blocks: list[bk.Block] = [bk.section(question), bk.actions(*buttons)]
    if len(found) > MAX_FOUND:
        blocks.append(bk.context(t(lang, "contact.narrow")))
    return Reply(text=question, blocks=blocks)


def show_contact(db: Database, actor: Actor, contact_id: object, now: datetime) -> Reply:
    with db.transaction() as session:
        return render_card(
            actor.lang, actor.tz, load_card(session, actor, access_contact(session, actor, contact_id), now)
        )


# ----- editing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContactEdit:
    role: str | None
    title: str | None
    department: str | None
    level: int
    reason: str | None


def edit_form(db: Database, actor: Actor, contact_id: object, *, channel_id: str | None = None) -> dict[str, Any]:
    """The Edit form, prefilled; the contact id and where to answer ride in its metadata."""
    lang = actor.lang
    with db.transaction() as session:
        contact = access_contact(session, actor, contact_id)
        roles = [bk.option(t(lang, f"visit.role.{r}"), r) for r in ROLES]
        levels = [bk.option(t(lang, f"visit.level.{n}"), str(n)) for n in range(6)]
        role_initial = roles[ROLES.index(contact.buying_role)] if contact.buying_role in ROLES else None
        blocks = [
            bk.input_block(
                "role", t(lang, "contact.role"), bk.static_select("role", roles, initial=role_initial), optional=True
            ),
            bk.input_block(
                "title",
                t(lang, "contact.title"),
                bk.text_input("title", initial=contact.title, max_length=MAX_TEXT),
                optional=True,
            ),
            bk.input_block(
                "department",
                t(lang, "contact.department"),
                bk.text_input("department", initial=contact.department, max_length=MAX_TEXT),
                optional=True,
            ),
            bk.input_block(
                "level",
                t(lang, "contact.level"),
                bk.static_select("level", levels, initial=levels[contact.relationship_level]),
            ),
            bk.input_block(
                "reason",
                t(lang, "contact.reason"),
                bk.text_input("reason", max_length=500),
                optional=True,
                hint=t(lang, "contact.reason_hint"),
            ),
        ]
        meta = {"c": contact.id, "l": lang, "ch": channel_id or "", "lv": contact.relationship_level}
        return bk.modal(
            lang,
            t(lang, "contact.edit_title"),
            blocks,
            callback_id=CALLBACK,
            private_metadata=json.dumps(meta, separators=(",", ":")),
        )


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    return next(iter((values.get(block) or {}).values()), {}) or {}


def read_edit_form(values: dict[str, Any], meta: dict[str, Any]) -> tuple[ContactEdit, dict[str, str]]:
    """The submitted form, and the errors to show inline (a level change needs its reason)."""
    lang: Lang = "zh" if meta.get("l") == "zh" else "en"
    role = (_value(values, "role").get("selected_option") or {}).get("value")
    level_text = str((_value(values, "level").get("selected_option") or {}).get("value") or "")
    level = int(level_text) if level_text.isdigit() and 0 <= int(level_text) <= 5 else int(meta.get("lv") or 0)
    reason = " ".join(str(_value(values, "reason").get("value") or "").split()) or None
    errors: dict[str, str] = {}
    if level != meta.get("lv") and not reason:
        errors["reason"] = t(lang, "contact.reason_needed")
    edit = ContactEdit(
        role=role if role in ROLES else None,
        title=" ".join(str(_value(values, "title").get("value") or "").split())[:MAX_TEXT] or None,
        department=" ".join(str(_value(values, "department").get("value") or "").split())[:MAX_TEXT] or None,
        level=level,
        reason=reason,
    )
    return edit, errors


def _fields(contact: Contact) -> dict[str, Any]:
    return {
        "role": contact.buying_role,
        "title": contact.title,
        "department": contact.department,
        "level": contact.relationship_level,
    }


def do_edit_contact(db: Database, actor: Actor, contact_id: object, edit: ContactEdit, now: datetime) -> ContactCard:
    """Change a contact the actor may see; the change (and its reason) goes in the audit trail."""
    with db.transaction() as session:
        contact = access_contact(session, actor, contact_id)
        before = _fields(contact)
        contact.buying_role, contact.title, contact.department = edit.role, edit.title, edit.department
        contact.relationship_level = edit.level
        session.flush()
        record_change(session, actor, "contact", contact.id, "edit", before, _fields(contact), now, reason=edit.reason)
        return load_card(session, actor, contact, now)

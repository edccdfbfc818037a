"""People, accounts and contacts for the /visit tests, and small readers of what was stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.people.admin import set_role
from bot.people.members import actor_for, ensure_person, update_profile
from bot.people.teams import set_up_team
from bot.records.accounts import add_alias
from bot.visits.ops import contact_named
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, FollowUp, Person, Visit, VisitContact
from tests.conftest import START, TEAM
from tests.world_ops import FOUNDER, workspace_admin


def rep(
    db: Database,
    driver: Driver,
    user_id: str = "U1",
    *,
    tz: str = "Asia/Shanghai",
    locale: str = "en-US",
    role: str = "rep",
    name: str = "",
) -> int:
    """A person known to Slack (fake users.info) and to the app, with `role`; returns their id.

    They join as the app meets people (`ensure_person`, their Slack profile cached). The first
    person of a workspace is its founding admin, so the workspace is founded by `FOUNDER` first
    (unless someone is its admin already) and that admin gives anyone else a role (`set_role`):
    a lone rep, a manager or an admin, in whatever order a test asks for them.
    """
    driver.fake.add_user(user_id, name or user_id, tz=tz, locale=locale)
    with db.transaction() as session:
        admin = _admin(session, driver)
        person = ensure_person(session, TEAM, user_id, START)
        update_profile(person, name=name or user_id, tz=tz, locale=locale, now=START)
        if person.role != role:
            set_role(session, actor_for(admin), user_id, role, START)
        session.flush()
        return person.id


def team(db: Database, driver: Driver, manager_user_id: str, *member_user_ids: str, channel: str | None = None) -> None:
    """`manager_user_id` manages `member_user_ids` (and posts digests to `channel`), set up as an
    admin does it: `/coach team @manager @rep…` (`set_up_team`, which makes them a manager).
    Everyone named should already be known (`rep`)."""
    with db.transaction() as session:
        admin = _admin(session, driver)
        set_up_team(session, actor_for(admin), manager_user_id, list(member_user_ids), START, channel_id=channel)


def _admin(session: Session, driver: Driver) -> Person:
    """The workspace's first admin (`world_ops.workspace_admin`: `FOUNDER` founds it if nobody
    has joined yet), known to the fake Slack too."""
    admin = workspace_admin(session, TEAM, START, tz="Asia/Shanghai")
    if admin.slack_user_id == FOUNDER:
        driver.fake.add_user(FOUNDER, "Founder", tz="Asia/Shanghai")
    return admin


def account(
    db: Database, owner_id: int | None, name: str, *aliases: str, is_lead: bool = False, created: datetime = START
) -> int:
    """An account as /visit, /deal and the CSV import create it, with aliases as `/account … alias
    add` adds them. A lead here is only the flag and its clock (no `Lead` row, no contacts, as
    `create_lead` would add): the /visit tests read nothing else."""
    with db.transaction() as session:
        row = create_account(session, TEAM, name, owner_id, created)
        row.is_lead, row.lead_received_at = is_lead, created if is_lead else None
        for alias in aliases:
            add_alias(session, row, alias)
        session.flush()
        return row.id


def contact(db: Database, account_id: int, name: str, *, level: int = 0, role: str | None = None) -> int:
    """A contact as a logged visit first names them; the level and buying role a later visit or
    `/contact` edit would give are set on the row."""
    with db.transaction() as session:
        account = session.get(Account, account_id)
        assert account is not None
        row, _ = contact_named(session, account, name, START)
        row.relationship_level, row.buying_role = level, role
        session.flush()
        return row.id


def visits(db: Database) -> list[Visit]:
    with db.transaction() as session:
        return list(session.scalars(select(Visit).order_by(Visit.id)))


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def contacts_of(db: Database, account_id: int) -> list[Contact]:
    with db.transaction() as session:
        return list(session.scalars(select(Contact).where(Contact.account_id == account_id).order_by(Contact.id)))


def links(db: Database, visit_id: int) -> list[VisitContact]:
    with db.transaction() as session:
        return list(session.scalars(select(VisitContact).where(VisitContact.visit_id == visit_id)))


def follow_ups(db: Database) -> list[FollowUp]:
    with db.transaction() as session:
        return list(session.scalars(select(FollowUp).order_by(FollowUp.id)))


def get(db: Database, model: type, row_id: int) -> Any:
    with db.transaction() as session:
        return session.get(model, row_id)


def all_ok(driver: Driver) -> None:
    """Every Web API call and response_url post the app made was accepted by (fake) Slack."""
    bad = [(c.method, c.response) for c in driver.fake.calls if not c.response.get("ok")]
    assert not bad, bad


def reply_text(message: dict[str, Any]) -> str:
    """Everything a user reads in a message: its text and the text of every block."""
    parts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


def form_values(
    *,
    account: str | None = None,
    contacts: list[str] | None = None,
    levels: dict[int, str] | None = None,
    new_contacts: str | None = None,
    new_level: str | None = None,
    channel: str = "in_person",
    day: str | None = None,
    purpose: str | None = None,
    notes: str | None = None,
    next_step: str | None = None,
    due_date: str | None = None,
    due_time: str | None = None,
) -> dict[str, dict[str, Any]]:
    """A visit form's `state.values` as Slack sends them on submission."""

    def option(value: str | None) -> dict[str, Any] | None:
        return {"text": {"type": "plain_text", "text": value}, "value": value} if value else None

    values: dict[str, dict[str, Any]] = {
        "account": {"visit_account": {"type": "external_select", "selected_option": option(account)}},
        "contacts": {
            "visit_contacts": {
                "type": "multi_external_select",
                "selected_options": [option(c) for c in contacts or []],
            }
        },
        "new_contacts": {"visit_new_contacts": {"type": "plain_text_input", "value": new_contacts}},
        "new_level": {"visit_level": {"type": "static_select", "selected_option": option(new_level)}},
        "channel": {"visit_channel": {"type": "static_select", "selected_option": option(channel)}},
        "date": {"visit_date": {"type": "datepicker", "selected_date": day}},
        "purpose": {"visit_purpose": {"type": "plain_text_input", "value": purpose}},
        "notes": {"visit_notes": {"type": "plain_text_input", "value": notes}},
        "next_step": {"visit_next_step": {"type": "plain_text_input", "value": next_step}},
        "next_due_date": {"visit_due_date": {"type": "datepicker", "selected_date": due_date}},
        "next_due_time": {"visit_due_time": {"type": "timepicker", "selected_time": due_time}},
    }
    for contact_id, level in (levels or {}).items():
        values[f"level_{contact_id}"] = {"visit_level": {"type": "static_select", "selected_option": option(level)}}
    return values


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b.get("type") == "actions" for e in b.get("elements") or []]

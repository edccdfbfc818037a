"""Creating and settling leads: one way, shared by `/lead`, `POST /leads` (and later CSV).

`create_lead` never makes a duplicate account: a company that already exists (exact name or
alias, bot/accounts/matching.py, across the whole workspace) gets the lead attached, and the rep
who owns it becomes the assignee (they are told by the assignment DM, scheduler/jobs/lead_clock.py).
A new company becomes an account through bot/accounts/create.py, marked `is_lead`, so the
follow-up rules and the daily nudge know it too. A repeated submission (same `request_key`)
answers with the lead stored the first time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.accounts.create import create_account, live_namesake
from bot.accounts.matching import EXACT, find_accounts, find_contacts
from bot.core.access import NotFound, access_person_by_slack_id, can_see_person, require_manager
from bot.core.actor import Actor
from bot.core.text import normalize
from bot.leads.clock import first_contact_due
from bot.people.members import workspace_config
from storage.db import Database
from storage.models import Account, Contact, Holiday, Lead, Person


class LeadInputError(ValueError):
    """A field is missing or unusable; `field` names it (for the HTTP answer and the ephemeral)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class LeadFields:
    company: str
    person: str
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    note: str | None = None

    def checked(self) -> LeadFields:
        """Spaces folded and lengths cut to the columns; LeadInputError naming the first missing field."""
        company = " ".join((self.company or "").split())[:200]
        person = " ".join((self.person or "").split())[:200]
        if not normalize(company):
            raise LeadInputError("company")
        if not normalize(person):
            raise LeadInputError("name")
        return LeadFields(
            company,
            person,
            (self.phone or "").strip()[:40] or None,
            (self.email or "").strip()[:254] or None,
            (self.source or "").strip()[:80] or None,
            (self.note or "").strip()[:4000] or None,
        )


@dataclass(frozen=True)
class LeadOutcome:
    lead_id: int
    account_id: int
    account_name: str
    assignee_user: str | None
    existing_account: bool
    duplicate: bool
    due_at: datetime


def _workspace_wide(team_id: str) -> Actor:
    """Matching sees every account of the workspace: a lead must never duplicate one a
    colleague owns (it is attached to it and that colleague is told)."""
    return Actor(team_id=team_id, user_id="", person_id=0, role="admin")


def _outcome(session: Session, lead: Lead, existing: bool, duplicate: bool) -> LeadOutcome:
    account = session.get(Account, lead.account_id)
    assignee = session.get(Person, lead.assignee_id) if lead.assignee_id else None
    return LeadOutcome(
        lead.id,
        lead.account_id,
        account.name if account else lead.company,
        assignee.slack_user_id if assignee else None,
        existing,
        duplicate,
        lead.due_at,
    )


def find_by_key(session: Session, team_id: str, request_key: str | None) -> Lead | None:
    if not request_key:
        return None
    return session.scalar(select(Lead).where(Lead.team_id == team_id, Lead.request_key == request_key[:160]))


def holidays_of(session: Session, team_id: str, since: datetime) -> set:
    """The workspace's holidays from `since`'s date on (the due time skips them)."""
    return set(
        session.scalars(
            select(Holiday.day).where(Holiday.team_id == team_id, Holiday.scope == "", Holiday.day >= since.date())
        )
    )


def create_lead(
    session: Session,
    team_id: str,
    fields: LeadFields,
    assignee: Person | None,
    now: datetime,
    *,
    created_by_id: int | None,
    channel: str,
    request_key: str | None = None,
    router: Callable[[LeadFields], Person | None] | None = None,
    account: Account | None = None,
) -> LeadOutcome:
    """Store a lead (or find the one `request_key` already stored); see the module docstring.

    `router` picks the assignee (inbound leads) only when no owner of the company decides it,
    so a routing turn is never spent on a lead that goes to an account's owner. `account`: an
    existing account marked as a lead (`/account NAME lead`), never looked up by name again."""
    previous = find_by_key(session, team_id, request_key)
    if previous is not None:
        return _outcome(session, previous, existing=False, duplicate=True)
    fields = fields.checked()
    if account is None:
        matches = [c for c in find_accounts(session, _workspace_wide(team_id), fields.company, exact_only=True)]
        exact = [c for c in matches if c.score == EXACT]
        account = session.get(Account, exact[0].id) if len(exact) == 1 else None
    existing = account is not None
    if router is not None and (account is None or account.owner_id is None):
        assignee = router(fields) or assignee
    if account is not None:
        if account.owner_id is not None:
            assignee = session.get(Person, account.owner_id)
        elif assignee is not None:
            account.owner_id = assignee.id
            account.assigned_at = now
    else:
        account = create_account(session, team_id, fields.company, assignee.id if assignee else None, now)
        account.is_lead = True
        account.lead_received_at = now
    contact_id = _contact(session, team_id, account.id, fields.person, now)
    config = workspace_config(session, team_id)
    tz = assignee.tz if assignee else "UTC"
    lead = Lead(
        team_id=team_id,
        account_id=account.id,
        contact_id=contact_id,
        assignee_id=assignee.id if assignee else None,
        created_by_id=created_by_id,
        company=fields.company,
        person_name=fields.person,
        phone=fields.phone,
        email=fields.email,
        source=fields.source,
        note=fields.note,
        channel=channel,
        request_key=request_key[:160] if request_key else None,
        status="open",
        received_at=now,
        due_at=first_contact_due(now, tz, config, holidays_of(session, team_id, now)),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(lead)
            session.flush()
    except IntegrityError:
        # The same submission stored by a concurrent request a moment ago: answer with it.
        again = find_by_key(session, team_id, request_key)
        if again is None:
            raise
        return _outcome(session, again, existing=False, duplicate=True)
    return _outcome(session, lead, existing=existing, duplicate=False)


def _contact(session: Session, team_id: str, account_id: int, name: str, now: datetime) -> int:
    """The account's contact of that name (exact), or a new one."""
    same = [c for c in find_contacts(session, team_id, account_id, name) if c.score == EXACT]
    if same:
        return same[0].id
    contact = Contact(team_id=team_id, account_id=account_id, name=name, name_norm=normalize(name), created_at=now)
    session.add(contact)
    session.flush()
    return contact.id


def do_create_lead(
    db: Database,
    actor: Actor,
    fields: LeadFields,
    now: datetime,
    *,
    assignee_user: str | None = None,
    request_key: str | None = None,
) -> LeadOutcome:
    """`/lead`: a lead assigned to the actor, or (managers) to `assignee_user` of their team."""
    with db.transaction() as session:
        if assignee_user and assignee_user != actor.user_id:
            require_manager(actor)
            assignee = access_person_by_slack_id(session, actor, assignee_user)
        else:
            assignee = session.get_one(Person, actor.person_id)
        return create_lead(
            session,
            actor.team_id,
            fields,
            assignee,
            now,
            created_by_id=actor.person_id,
            channel="slash",
            request_key=request_key,
        )


# ----- settling a lead (the DM's buttons, a logged visit) --------------------------------------
def access_lead(session: Session, actor: Actor, lead_id: object) -> Lead:
    """A lead the actor may act on: their own, or one of a person they manage (admins: any)."""
    try:
        key = int(str(lead_id))
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < key <= 2**31 - 1:
        raise NotFound()
    lead = session.get(Lead, key)
    if lead is None or lead.team_id != actor.team_id or not can_see_person(session, actor, lead.assignee_id):
        raise NotFound()
    return lead


def close_lead_clocks(session: Session, account_id: int, contacted_at: datetime) -> int:
    """A contact was logged with the account: its open leads are contacted (their clocks stop)."""
    closed = 0
    for lead in session.scalars(select(Lead).where(Lead.account_id == account_id, Lead.status == "open")):
        lead.status = "contacted"
        lead.first_contact_at = contacted_at
        closed += 1
    return closed


def reopen_lead_clocks(session: Session, account_id: int, contacted_at: datetime) -> int:
    """The visit that stopped the account's lead clocks was undone: they run again (a lead
    that has a deal since stays settled)."""
    reopened = 0
    for lead in session.scalars(
        select(Lead).where(
            Lead.account_id == account_id,
            Lead.status == "contacted",
            Lead.first_contact_at == contacted_at,
            Lead.deal_id.is_(None),
        )
    ):
        lead.status, lead.first_contact_at = "open", None
        reopened += 1
    return reopened


def link_deal(session: Session, account_id: int, deal_id: int, now: datetime) -> Lead | None:
    """A deal was opened on the account: the latest lead there without a deal is where it came
    from (qualified: its clock stops too, if nobody logged the contact). None when no lead."""
    lead = session.scalar(
        select(Lead)
        .where(Lead.account_id == account_id, Lead.deal_id.is_(None), Lead.received_at <= now)
        .order_by(Lead.received_at.desc(), Lead.id.desc())
        .limit(1)
    )
    if lead is None:
        return None
    lead.deal_id = deal_id
    if lead.status == "open":
        lead.status = "contacted"
        lead.first_contact_at = now
    return lead


def do_first_contact(db: Database, actor: Actor, lead_id: object, now: datetime) -> Lead:
    """ "Log first contact" on the lead's DM: the clock stops now (the account counts a contact)."""
    with db.transaction() as session:
        lead = access_lead(session, actor, lead_id)
        if lead.status == "open":
            account = session.get(Account, lead.account_id)
            if account is not None:
                account.contact_count = (account.contact_count or 0) + 1
                if account.is_lead and account.first_contacted_at is None:
                    account.first_contacted_at = now
            close_lead_clocks(session, lead.account_id, now)
        return lead


def do_reassign(db: Database, actor: Actor, lead_id: object, user_id: str, now: datetime) -> Lead:
    """Give an open lead to someone else (the assignee or their manager may); its account follows
    when the account came in with the lead. The new assignee gets the lead's DM."""
    with db.transaction() as session:
        lead = access_lead(session, actor, lead_id)
        if actor.person_id != lead.assignee_id:
            require_manager(actor)
        target = session.scalar(select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == user_id))
        if target is None or not target.is_active:
            raise NotFound()
        if lead.status == "open" and target.id != lead.assignee_id:
            lead.assignee_id = target.id
            account = session.get(Account, lead.account_id)
            if account is not None and account.is_lead and account.first_contacted_at is None:
                previous = account.owner_id
                account.owner_id = target.id
                if live_namesake(session, account) is None:
                    account.assigned_at = now
                else:  # the new assignee has an account of that name: the lead's stays as it was
                    account.owner_id = previous
        return lead

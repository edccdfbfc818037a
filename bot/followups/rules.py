"""Follow-ups (跟进) as the nudges see them: what is overdue, the follow-up rules, done and snooze.

- `apply_rules` turns the follow-up rules of docs/method.md section 5 into follow-ups, so that they
  are nudged, done and snoozed like any other: a new lead not contacted within
  `FollowUpRules.new_lead_hours` (5 h), and a prospect (an account taken on in the last six
  months, no business, no deal) that has had `prospect_decide_visits` (3) contacts without being
  judged (qualify: open a deal; drop: archive it). Each rule makes at most one follow-up per
  account (a request key), so running it every sweep is harmless; a lead follow-up closes when
  the lead is contacted, a prospect's when a deal is opened or the account archived.
- `overdue_by_owner` is the nudge's set-based selection: each person's open follow-ups due by
  now, oldest first, the first few of each and how many in all.
- `do_complete`, `do_snooze`, `do_plan_visit`, `do_plan_next_step`: the nudge buttons.

Snoozing moves `due_at` to the morning of a later local day (09:00, before the day's nudge at
`bot.people.notify.NUDGE_FROM`), so "snooze 1 day" means "remind me in tomorrow's nudge".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from bot.core.access import NotFound, access_contact, access_deal, access_follow_up
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.config import FollowUpRules, WorkspaceConfig
from bot.core.i18n import Lang, t
from bot.people.members import workspace_config
from bot.people.notify import next_working_day
from storage.db import Database, in_transaction
from storage.models import Account, Contact, Deal, FollowUp, Person
from storage.queries.sql import insert_ignoring_conflict

SNOOZE_OPTIONS = ("1d", "3d", "week")
PROSPECT_WINDOW = timedelta(days=180)  # a prospect is an account taken on in the last six months
INSERT_CHUNK = 500
SNOOZE_TO = time(9, 0)
PER_MESSAGE = 10


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    id: int
    owner_id: int
    kind: str
    text: str
    due_at: datetime
    account_id: int | None
    account_name: str | None
    contact_name: str | None
    rules: FollowUpRules  # the workspace's, read with the item: a rule's label states its numbers

    def label(self, lang: Lang) -> str:
        """What the rep owes, in words: rule-made follow-ups are named by their rule, with the
        numbers the workspace set for it (an admin's change shows in the next message)."""
        account = self.account_name or ""
        if self.kind == "new_lead":
            return t(lang, "nudge.kind.new_lead", account=account, hours=f"{self.rules.new_lead_hours:g}")
        if self.kind == "prospect_decide":
            return t(lang, "nudge.kind.prospect_decide", account=account, contacts=self.rules.prospect_decide_visits)
        if self.kind == "plan_visit":
            return t(lang, "nudge.kind.plan_visit", contact=self.contact_name or self.text, account=account)
        return f"{account}: {self.text}" if account and account not in self.text else self.text


# ----- the rules ------------------------------------------------------------------------------
def apply_rules(
    session: Session, team_id: str, config: WorkspaceConfig, at: datetime, owner_ids: Collection[int]
) -> int:
    """Create the rule follow-ups (new lead, prospect to decide) of `owner_ids`' accounts; how many."""
    if not owner_ids:
        return 0
    owners = sorted(owner_ids)
    rules = config.follow_up
    rows: list[dict[str, object]] = []
    lead_rule = exists().where(FollowUp.account_id == Account.id, FollowUp.kind == "new_lead")
    for account_id, owner_id, name, received in session.execute(
        select(Account.id, Account.owner_id, Account.name, Account.lead_received_at).where(
            Account.team_id == team_id,
            Account.owner_id.in_(owners),
            Account.is_lead.is_(True),
            Account.first_contacted_at.is_(None),
            Account.lead_received_at.is_not(None),
            Account.archived_at.is_(None),
            ~lead_rule,
        )
    ):
        assert received is not None  # the query keeps only accounts with lead_received_at
        rows.append(
            {
                "team_id": team_id,
                "owner_id": owner_id,
                "account_id": account_id,
                "kind": "new_lead",
                "text": name,
                "due_at": received + timedelta(hours=rules.new_lead_hours),
                "request_key": f"rule:new_lead:{account_id}",
            }
        )
    decide_rule = exists().where(FollowUp.account_id == Account.id, FollowUp.kind == "prospect_decide")
    any_deal = exists().where(Deal.account_id == Account.id)
    for account_id, owner_id, name in session.execute(
        select(Account.id, Account.owner_id, Account.name).where(
            Account.team_id == team_id,
            Account.owner_id.in_(owners),
            Account.business_status == "no_business",
            Account.contact_count >= rules.prospect_decide_visits,
            Account.created_at >= at - PROSPECT_WINDOW,
            Account.archived_at.is_(None),
            ~any_deal,
            ~decide_rule,
        )
    ):
        rows.append(
            {
                "team_id": team_id,
                "owner_id": owner_id,
                "account_id": account_id,
                "kind": "prospect_decide",
                "text": name,
                "due_at": at,
                "request_key": f"rule:prospect_decide:{account_id}",
            }
        )
    # Leads contacted since, or prospects judged since (a deal opened, the account archived):
    # checked per open rule follow-up (few), not per account.
    contacted = exists().where(Account.id == FollowUp.account_id, Account.first_contacted_at.is_not(None))
    judged = exists().where(Account.id == FollowUp.account_id, Account.archived_at.is_not(None)) | exists().where(
        Deal.account_id == FollowUp.account_id
    )
    for kind, settled in (("new_lead", contacted), ("prospect_decide", judged)):
        session.execute(
            update(FollowUp)
            .where(FollowUp.team_id == team_id, FollowUp.status == "open", FollowUp.kind == kind, settled)
            .values(status="done", done_at=at)
        )
    for row in rows:
        row.update(status="open", snooze_count=0, created_at=at)
    for start in range(0, len(rows), INSERT_CHUNK):  # within SQLite's limit of bound variables
        chunk = rows[start : start + INSERT_CHUNK]
        session.execute(insert_ignoring_conflict(session, FollowUp, chunk, key=["team_id", "request_key"]))
    return len(rows)


# ----- what the nudge lists --------------------------------------------------------------------
def overdue_by_owner(
    session: Session, team_id: str, owner_ids: Collection[int], at: datetime, *, per_person: int = PER_MESSAGE
) -> dict[int, tuple[int, list[FollowUpItem]]]:
    """{owner: (overdue count, the `per_person` oldest)} for open follow-ups due by `at`."""
    if not owner_ids:
        return {}
    rank = func.row_number().over(partition_by=FollowUp.owner_id, order_by=(FollowUp.due_at, FollowUp.id))
    total = func.count().over(partition_by=FollowUp.owner_id)
    inner = (
        select(
            FollowUp.id,
            FollowUp.owner_id,
            FollowUp.kind,
            FollowUp.text,
            FollowUp.due_at,
            FollowUp.account_id,
            FollowUp.contact_id,
            rank.label("rank"),
            total.label("total"),
        )
        .where(
            FollowUp.team_id == team_id,
            FollowUp.status == "open",
            FollowUp.due_at <= at,
            FollowUp.owner_id.in_(sorted(owner_ids)),
        )
        .subquery()
    )
    rows = session.execute(
        select(
            inner.c.id,
            inner.c.owner_id,
            inner.c.kind,
            inner.c.text,
            inner.c.due_at,
            inner.c.account_id,
            Account.name,
            Contact.name,
            inner.c.total,
        )
        .outerjoin(Account, Account.id == inner.c.account_id)
        .outerjoin(Contact, Contact.id == inner.c.contact_id)
        .where(inner.c.rank <= per_person)
        .order_by(inner.c.owner_id, inner.c.due_at, inner.c.id)
    )
    rules = workspace_config(session, team_id).follow_up
    found: dict[int, tuple[int, list[FollowUpItem]]] = {}
    for fid, owner, kind, text, due, account_id, account, contact, count in rows:
        due = due if due.tzinfo else due.replace(tzinfo=UTC)
        item = FollowUpItem(fid, owner, kind, text, due, account_id, account, contact, rules)
        found.setdefault(owner, (int(count), []))[1].append(item)
    return found


def items_by_id(session: Session, actor: Actor, ids: Collection[int]) -> list[tuple[FollowUpItem, str]]:
    """The follow-ups a nudge listed (the clicker's own), with their current status, in order."""
    rules = workspace_config(session, actor.team_id).follow_up
    out = []
    for fid in ids:
        row = session.execute(
            select(FollowUp, Account.name, Contact.name)
            .outerjoin(Account, Account.id == FollowUp.account_id)
            .outerjoin(Contact, Contact.id == FollowUp.contact_id)
            .where(FollowUp.id == fid, FollowUp.team_id == actor.team_id, FollowUp.owner_id == actor.person_id)
        ).first()
        if row is None:
            continue
        f, account, contact = row
        item = FollowUpItem(f.id, f.owner_id, f.kind, f.text, f.due_at, f.account_id, account, contact, rules)
        out.append((item, f.status))
    return out


# ----- the buttons ----------------------------------------------------------------------------
def complete_follow_up(session: Session, actor: Actor, follow_up_id: object, now: datetime) -> FollowUp:
    """Mark the actor's own follow-up done (the Done button); one already done or dropped stays
    as it is, so a second click changes nothing."""
    follow_up = access_follow_up(session, actor, follow_up_id)
    if follow_up.status == "open":
        follow_up.status = "done"
        follow_up.done_at = now
    return follow_up


do_complete = in_transaction(complete_follow_up)


def snooze_until(option: str, local_now: datetime) -> datetime:
    """When a follow-up snoozed at `local_now` with `option` comes back (09:00 local that day)."""
    today = local_now.date()
    if option == "1d":
        day = today + timedelta(days=1)
    elif option == "3d":
        day = today + timedelta(days=3)
    elif option == "week":
        day = today + timedelta(days=7 - today.weekday())  # next Monday
    else:
        raise ValueError(option)
    return datetime.combine(day, SNOOZE_TO, tzinfo=local_now.tzinfo).astimezone(UTC)


def do_snooze(db: Database, actor: Actor, follow_up_id: object, option: str, now: datetime) -> FollowUp:
    """Move an open follow-up's due time to the morning of a later day; counts the snooze.
    An option that is not one of ours (a forged payload) is treated like an unknown id."""
    if option not in SNOOZE_OPTIONS:
        raise NotFound()
    with db.transaction() as session:
        follow_up = access_follow_up(session, actor, follow_up_id)
        if follow_up.status == "open":
            follow_up.due_at = snooze_until(option, now.astimezone(zone(actor.tz)))
            follow_up.snooze_count += 1
        return follow_up


def _next_morning(session: Session, actor: Actor, now: datetime) -> tuple[datetime, date]:
    person = session.get(Person, actor.person_id)
    assert person is not None
    config = workspace_config(session, actor.team_id)
    local_now = now.astimezone(zone(actor.tz))
    day = next_working_day(session, person, local_now.date(), config)
    return datetime.combine(day, SNOOZE_TO, tzinfo=zone(actor.tz)).astimezone(UTC), local_now.date()


def _create(session: Session, actor: Actor, now: datetime, due: datetime, **values: object) -> FollowUp:
    """The actor's new open follow-up; its `request_key` makes a double click create one."""
    values.update(team_id=actor.team_id, owner_id=actor.person_id, due_at=due, status="open", snooze_count=0)
    values.update(created_at=now)
    session.execute(insert_ignoring_conflict(session, FollowUp, values, key=["team_id", "request_key"]))
    follow_up = session.scalar(
        select(FollowUp).where(FollowUp.team_id == actor.team_id, FollowUp.request_key == values["request_key"])
    )
    assert follow_up is not None
    return follow_up


def do_plan_visit(db: Database, actor: Actor, contact_id: object, now: datetime) -> FollowUp:
    """ "Plan a visit" on a decay warning: a follow-up to meet the contact, due the next working
    morning (once per contact per day, however often the button is pressed)."""
    with db.transaction() as session:
        contact = access_contact(session, actor, contact_id)
        due, today = _next_morning(session, actor, now)
        return _create(
            session,
            actor,
            now,
            due,
            account_id=contact.account_id,
            contact_id=contact.id,
            kind="plan_visit",
            text=contact.name,
            request_key=f"plan_visit:{contact.id}:{today.isoformat()}",
        )


def do_plan_next_step(db: Database, actor: Actor, deal_id: object, now: datetime) -> FollowUp:
    """ "Plan the next step" on a stale-deal warning: a follow-up on the deal, next working morning."""
    with db.transaction() as session:
        deal = access_deal(session, actor, deal_id)
        due, _ = _next_morning(session, actor, now)
        return _create(
            session,
            actor,
            now,
            due,
            account_id=deal.account_id,
            deal_id=deal.id,
            kind="manual",
            text=t(actor.lang, "stale.next_step_text", deal=deal.title),
            request_key=f"stale_step:{deal.id}:{deal.stage_key}",
        )


def open_due_by(session: Session, team_id: str, person_id: int, until: datetime, limit: int = 7) -> list[FollowUpItem]:
    """A person's open follow-ups due by `until` (the morning plan's prefill), oldest first."""
    rows = session.execute(
        select(FollowUp, Account.name, Contact.name)
        .outerjoin(Account, Account.id == FollowUp.account_id)
        .outerjoin(Contact, Contact.id == FollowUp.contact_id)
        .where(
            and_(
                FollowUp.team_id == team_id,
                FollowUp.owner_id == person_id,
                FollowUp.status == "open",
                FollowUp.due_at < until,
            )
        )
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(limit)
    )
    rules = workspace_config(session, team_id).follow_up
    return [
        FollowUpItem(f.id, f.owner_id, f.kind, f.text, f.due_at, f.account_id, account, contact, rules)
        for f, account, contact in rows
    ]

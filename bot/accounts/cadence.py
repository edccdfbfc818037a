"""Meeting cadence (见面的频度决定关系的亲疏): which relationships are cooling.

docs/method.md section 2: met monthly → the relationship grows; quarterly → it holds; beyond that it
cools. Key contacts (the roles in `Cadence.key_roles`, decision makers and coaches by default)
of an account with an open deal are due a face-to-face meeting every `key_contact_days` (30);
every other contact every `thresholds[1]` days (90: "quarterly, it holds"). Only face-to-face
meetings count (`Contact.last_face_to_face_at`); phone and IM touches do not reset the clock.
A key contact in an open deal who was never met counts as cooling; another contact never met
has no relationship to cool yet.

"How many relationships are cooling" is one number wherever it is shown (the App Home, the
relationship-decay DM, a manager's team view): `cooling_counts`, per owner. The decay ladder
starts at the same cadence, so every contact a warning names is one of those counted.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from bot.core.config import Cadence
from storage.models import Account, Contact, Deal


@dataclass(frozen=True, slots=True)
class CoolingContact:
    """A contact overdue for a face-to-face meeting; `days_since` None: never met."""

    contact_id: int
    name: str
    account_id: int
    account_name: str
    buying_role: str | None
    key: bool
    days_since: int | None


def other_contact_days(cadence: Cadence) -> int:
    """The cadence of contacts that are not key contacts in an open deal (90 days by default)."""
    thresholds = sorted(cadence.thresholds)
    return thresholds[1] if len(thresholds) > 1 else thresholds[0]


def _cooling(
    team_id: str, owner_ids: Collection[int] | None, now: datetime, cadence: Cadence
) -> tuple[list[ColumnElement[bool]], ColumnElement[bool]]:
    """The WHERE conditions of "cooling" (contacts on live accounts of `owner_ids` overdue for a
    face-to-face meeting) and the "key contact in an open deal" expression."""
    open_deal = exists().where(Deal.account_id == Contact.account_id, Deal.status == "open")
    key = and_(Contact.buying_role.in_(cadence.key_roles), open_deal)
    met = Contact.last_face_to_face_at
    overdue = or_(
        and_(key, or_(met.is_(None), met < now - timedelta(days=cadence.key_contact_days))),
        and_(not_(key), met < now - timedelta(days=other_contact_days(cadence))),
    )
    accounts = select(Account.id).where(Account.team_id == team_id, Account.archived_at.is_(None))
    if owner_ids is not None:
        accounts = accounts.where(Account.owner_id.in_(sorted(owner_ids)))
    conditions = [Contact.account_id.in_(accounts), overdue]
    if owner_ids is None:
        conditions.append(Contact.team_id == team_id)
    return conditions, key


def cooling_counts(
    session: Session,
    team_id: str,
    owner_ids: Collection[int] | None,
    now: datetime,
    cadence: Cadence,
    *,
    key_only: bool = False,
) -> dict[int | None, int]:
    """Per account owner: how many relationships are cooling (only key contacts in open deals
    when `key_only`). The one definition every surface counts with; owners with none are
    absent. One grouped query."""
    if owner_ids is not None and not owner_ids:
        return {}
    conditions, key = _cooling(team_id, owner_ids, now, cadence)
    if key_only:
        conditions.append(key)
    rows = session.execute(
        select(Account.owner_id, func.count())
        .select_from(Contact)
        .join(Account, Account.id == Contact.account_id)
        .where(*conditions)
        .group_by(Account.owner_id)
    )
    return {owner: int(n) for owner, n in rows}


def cooling_contacts(
    session: Session,
    team_id: str,
    owner_ids: Collection[int] | None,
    now: datetime,
    cadence: Cadence,
    *,
    limit: int = 5,
) -> tuple[int, list[CoolingContact]]:
    """Contacts on accounts owned by `owner_ids` (None: the workspace) that are overdue for a
    face-to-face meeting: (how many, the `limit` most urgent: key contacts first, then the
    longest unmet). Archived accounts are left out.

    The owners' accounts are picked first (`ix_accounts_team_owner`) and their contacts reached
    through `ix_contacts_account`, so one rep's list costs what their accounts hold, not what
    the workspace holds."""
    total = sum(cooling_counts(session, team_id, owner_ids, now, cadence).values())
    if not total or limit <= 0:
        return total, []
    conditions, key = _cooling(team_id, owner_ids, now, cadence)
    met = Contact.last_face_to_face_at
    is_key = case((key, 1), else_=0)
    rows = session.execute(
        select(Contact.id, Contact.name, Account.id, Account.name, Contact.buying_role, is_key, met)
        .join(Account, Account.id == Contact.account_id)
        .where(*conditions)
        .order_by(is_key.desc(), met.asc().nulls_first(), Contact.id)
        .limit(limit)
    )
    return total, [
        CoolingContact(cid, name, aid, account, role, bool(k), (now - last).days if last else None)
        for cid, name, aid, account, role, k, last in rows
    ]


# ----- the decay ladder (the relationship-decay job) ------------------------------------------
# Each contact is warned once per rung of its ladder crossed since its last face-to-face
# meeting: from its cadence on (key contacts in open deals: `key_contact_days`, 30; others:
# 90), then each of `Cadence.thresholds` (or `Cadence.role_thresholds[role]`) past it: 30 / 90
# / 180 / 365 for a key contact, 90 / 180 / 365 for another by default.
# `Contact.decay_notified_days` is the highest rung already reported for the gap that began at
# `Contact.decay_gap_start`; a newer meeting makes the two timestamps differ, which restarts the
# ladder whoever recorded the meeting.


@dataclass(frozen=True, slots=True)
class DecayWarning:
    """A contact that has just crossed rung `days` of its ladder (one warning per crossing)."""

    contact_id: int
    name: str
    account_id: int
    account_name: str
    owner_id: int
    buying_role: str | None
    key: bool
    days_since: int
    rung: int
    met_at: datetime

    @property
    def item(self) -> str:
        """The ledger item: enough to mark exactly this crossing reported after a crash."""
        return f"contact:{self.contact_id}:{self.rung}:{int(self.met_at.timestamp())}"


def first_rung(cadence: Cadence, key: bool) -> int:
    """Where a contact's ladder starts: its meeting cadence (key contacts in open deals: 30 days,
    others: 90), the day it starts counting as cooling."""
    return cadence.key_contact_days if key else other_contact_days(cadence)


def ladder(cadence: Cadence, role: str | None, key: bool) -> list[int]:
    """The rungs at which a contact of `role` (a key contact in an open deal when `key`) is
    warned: its cadence, then every threshold past it (so a warning is always about a contact
    counted as cooling)."""
    floor = first_rung(cadence, key)
    rungs = {r for r in cadence.role_thresholds.get(role or "", cadence.thresholds) if r >= floor}
    rungs.add(floor)
    return sorted(r for r in rungs if r > 0)


def crossed_rung(days: int, rungs: list[int], reported: int) -> int | None:
    """The highest rung ≤ `days` above `reported` (a gap long past several rungs is reported
    once, at the highest), or None."""
    crossed = [r for r in rungs if reported < r <= days]
    return crossed[-1] if crossed else None


def _applies(cadence: Cadence, rung: int, is_key: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQL: rung `rung` is on the ladder of the contact in the row (the SQL form of `ladder`)."""
    custom = list(cadence.role_thresholds)
    roles_with = [role for role, rungs in cadence.role_thresholds.items() if rung in rungs]
    options: list[ColumnElement[bool]] = []
    if rung in cadence.thresholds:
        options.append(or_(Contact.buying_role.is_(None), Contact.buying_role.not_in(custom)) if custom else true())
    if roles_with:
        options.append(Contact.buying_role.in_(roles_with))
    listed = or_(*options) if options else false()
    # past the contact's own cadence (key or not), or exactly it
    if rung >= first_rung(cadence, False) and rung >= first_rung(cadence, True):
        reached: ColumnElement[bool] = true()
    elif rung >= first_rung(cadence, True):
        reached = is_key
    elif rung >= first_rung(cadence, False):
        reached = not_(is_key)
    else:
        reached = false()
    on_ladder = and_(listed, reached)
    exact = [is_key] if rung == first_rung(cadence, True) else []
    if rung == first_rung(cadence, False):
        exact.append(not_(is_key))
    return or_(on_ladder, *exact)


def pending_decay(
    session: Session,
    team_id: str,
    at: datetime,
    cadence: Cadence,
    owner_ids: Collection[int],
    *,
    per_owner: int = 10,
) -> tuple[dict[int, int], list[DecayWarning]]:
    """Contacts on accounts owned by `owner_ids` that crossed a rung not yet reported, as of `at`:
    ({owner: how many}, the `per_owner` most urgent of each: key contacts, then the longest unmet).

    One statement: for each rung r, "r is on this contact's ladder, the last meeting is at least
    r days ago, and less than r was reported for this gap". Only what is shown is returned (and
    so reported); the rest stay pending and come in the next days' warnings, however large a
    backlog (a first run over years of data) is.
    """
    if not owner_ids:
        return {}, []
    open_accounts = select(Deal.account_id).where(Deal.team_id == team_id, Deal.status == "open")
    is_key = and_(Contact.buying_role.in_(cadence.key_roles), Contact.account_id.in_(open_accounts))
    met = Contact.last_face_to_face_at
    reported = case((Contact.decay_gap_start == met, Contact.decay_notified_days), else_=0)
    rungs = sorted(
        r
        for r in {
            *cadence.thresholds,
            cadence.key_contact_days,
            *(r for v in cadence.role_thresholds.values() for r in v),
        }
        if r > 0
    )
    if not rungs:
        return {}, []
    crossing = or_(*[and_(_applies(cadence, r, is_key), met <= at - timedelta(days=r), reported < r) for r in rungs])
    key_flag = case((is_key, 1), else_=0)
    order = (key_flag.desc(), met, Contact.id)
    inner = (
        select(
            Contact.id.label("contact_id"),
            Account.owner_id.label("owner_id"),
            key_flag.label("key"),
            reported.label("reported"),
            func.row_number().over(partition_by=Account.owner_id, order_by=order).label("rank"),
            func.count().over(partition_by=Account.owner_id).label("total"),
        )
        .join(Account, Account.id == Contact.account_id)
        .where(
            Contact.team_id == team_id,
            met <= at - timedelta(days=rungs[0]),  # one range over the (team, last meeting) index
            crossing,
            Account.owner_id.in_(sorted(owner_ids)),
            Account.archived_at.is_(None),
        )
        .subquery()
    )
    rows = session.execute(
        select(
            inner.c.contact_id,
            Contact.name,
            Account.id,
            Account.name,
            inner.c.owner_id,
            Contact.buying_role,
            inner.c.key,
            met,
            inner.c.reported,
            inner.c.total,
        )
        .join(Contact, Contact.id == inner.c.contact_id)
        .join(Account, Account.id == Contact.account_id)
        .where(inner.c.rank <= per_owner)
        .order_by(inner.c.owner_id, inner.c.rank)
    )
    totals: dict[int, int] = {}
    warnings = []
    ladders: dict[tuple[str | None, bool], list[int]] = {}
    for cid, name, aid, account, owner, role, key, last, done, total in rows:
        totals[owner] = int(total)
        days = int((at - last).total_seconds() // 86400)
        rungs_of = ladders.get((role, bool(key)))
        if rungs_of is None:
            rungs_of = ladders[(role, bool(key))] = ladder(cadence, role, bool(key))
        rung = crossed_rung(days, rungs_of, int(done or 0))
        if rung is not None:
            warnings.append(DecayWarning(cid, name, aid, account, owner, role, bool(key), days, rung, last))
    return totals, warnings


def mark_decay_reported(session: Session, items: Collection[str]) -> int:
    """Record the crossings a sent warning reported (`DecayWarning.item`); contacts met again
    since are left alone. Returns how many were recorded."""
    marked = 0
    for item in items:
        kind, _, rest = str(item).partition(":")
        if kind != "contact":
            continue
        try:
            cid, rung, stamp = (int(p) for p in rest.split(":"))
        except ValueError:
            continue
        contact = session.get(Contact, cid)
        if contact is None or contact.last_face_to_face_at is None:
            continue
        if int(contact.last_face_to_face_at.timestamp()) != stamp:
            continue  # met again since: a new gap, a new ladder
        same_gap = contact.decay_gap_start == contact.last_face_to_face_at
        contact.decay_notified_days = max(rung, contact.decay_notified_days if same_gap else 0)
        contact.decay_gap_start = contact.last_face_to_face_at
        marked += 1
    return marked

"""Sales targets (`/coach target @rep 500k Q1`): what a manager expects a rep to win in a period.

The reverse funnel (docs/method.md §4) and the rep-type quadrant (§7) measure a rep against the
target of the period that contains the day of the digest. Managers set targets for their own
reports (admins for anyone); a rep cannot set one, not even their own.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import NotAllowed, access_person_by_slack_id, require_manager
from bot.core.actor import Actor
from bot.core.clock import local_date
from bot.core.i18n import Lang, format_amount, format_day, t
from bot.digests.layout import SECTION_ROOM
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from bot.ui.split import split_lines
from storage.db import Database, in_transaction
from storage.models import Person, Target

# "mar", "march", "sept"… → month number (English names as `calendar` spells them).
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}

MAX_SECTIONS = 40  # a target table longer than this is not worth a message


class BadTarget(ValueError):
    """The command could not be read; the handler shows the usage and echoes the text."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def quarter_of(day: date) -> Period:
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * q - 2, 1)
    return Period(start, _month_end(day.year, 3 * q), f"Q{q} {day.year}")


def _quarter(year: int, q: int) -> Period:
    return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"Q{q} {year}")


def _half(year: int, h: int) -> Period:
    return Period(date(year, 6 * h - 5, 1), _month_end(year, 6 * h), f"H{h} {year}")


def _month(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def parse_period(text: str, today: date) -> Period | None:
    """A period from 'Q1', 'Q1 2027', '2027Q1', 'H2', '2027', 'FY2027', '2027-03', '3月', 'Mar'.

    Without a year, the period is the next one of that name that has not ended yet: 'Q1' typed
    in November means the coming Q1.
    """
    raw = re.sub(r"(\d{4})年", r"\1 ", text.strip().lower())
    year_match = re.search(r"(?<!\d)(?:fy)?((?:19|20)\d{2})(?!\d)", raw)
    year = int(year_match.group(1)) if year_match else None
    if year_match:
        raw = raw[: year_match.start()] + " " + raw[year_match.end() :]
    rest = raw.replace(" ", "").strip("-/")
    if not rest and year is None:
        return None

    def upcoming(build: Callable[..., Period], *args: int) -> Period:
        if year is not None:
            return build(year, *args)
        period = build(today.year, *args)
        return period if period.end >= today else build(today.year + 1, *args)

    if m := re.fullmatch(r"q([1-4])|第?([一二三四1-4])季度?", rest):
        q = m.group(1) or m.group(2)
        return upcoming(_quarter, "一二三四".index(q) + 1 if q in "一二三四" else int(q))
    if m := re.fullmatch(r"h([12])|([上下])半年", rest):
        return upcoming(_half, int(m.group(1)) if m.group(1) else (1 if m.group(2) == "上" else 2))
    if m := re.fullmatch(r"(\d{1,2})月?", rest):
        month = int(m.group(1))
        return upcoming(_month, month) if 1 <= month <= 12 else None
    if rest in _MONTHS:
        return upcoming(_month, _MONTHS[rest])
    if not rest and year is not None:
        return _year(year)
    return None


@dataclass(frozen=True)
class TargetRow:
    person_id: int
    name: str
    user_id: str
    label: str
    start: date
    end: date
    amount: Decimal
    currency: str = ""


def set_target(
    session: Session, actor: Actor, rep_user_id: str, amount: Decimal, period: Period, now: datetime
) -> TargetRow:
    """Set (or replace) a rep's target for `period`. Managers for their reports; admins anyone."""
    require_manager(actor)
    rep = access_person_by_slack_id(session, actor, rep_user_id)
    if rep.id == actor.person_id and not actor.is_admin:
        raise NotAllowed()  # a manager's own target is set by their manager
    row = session.scalar(
        select(Target).where(
            Target.team_id == actor.team_id, Target.person_id == rep.id, Target.period_start == period.start
        )
    )
    if row is None:
        row = Target(team_id=actor.team_id, person_id=rep.id, period_start=period.start, created_at=now)
        session.add(row)
    row.period_end = period.end
    row.label = period.label
    row.amount = amount
    session.flush()
    return TargetRow(rep.id, rep.name or "", rep.slack_user_id, period.label, period.start, period.end, amount)


do_set_target = in_transaction(set_target)


def targets_on(session: Session, team_id: str, person_ids: list[int], day: date) -> dict[int, Target]:
    """Each person's target for the period containing `day` (the shortest one, if several)."""
    if not person_ids:
        return {}
    rows = session.scalars(
        select(Target).where(
            Target.team_id == team_id,
            Target.person_id.in_(person_ids),
            Target.period_start <= day,
            Target.period_end >= day,
        )
    ).all()
    best: dict[int, Target] = {}
    for row in rows:
        current = best.get(row.person_id)
        if current is None or (row.period_end - row.period_start) < (current.period_end - current.period_start):
            best[row.person_id] = row
    return best


def list_targets(db: Database, actor: Actor, rep_user_id: str | None, now: datetime) -> list[TargetRow]:
    """Current and future targets of one rep, or of the manager's whole team."""
    require_manager(actor)
    today = local_date(now, actor.tz)
    with db.transaction() as session:
        if rep_user_id:
            people = [access_person_by_slack_id(session, actor, rep_user_id)]
        else:
            people = list(
                session.scalars(
                    select(Person).where(Person.team_id == actor.team_id, Person.manager_id == actor.person_id)
                )
            )
        by_id = {p.id: p for p in people}
        if not by_id:
            return []
        rows = session.scalars(
            select(Target)
            .where(Target.team_id == actor.team_id, Target.person_id.in_(list(by_id)), Target.period_end >= today)
            .order_by(Target.period_start, Target.person_id)
        ).all()
        currency = workspace_config(session, actor.team_id).default_currency
        return [
            TargetRow(
                r.person_id,
                by_id[r.person_id].name or "",
                by_id[r.person_id].slack_user_id,
                r.label,
                r.period_start,
                r.period_end,
                r.amount,
                currency,
            )
            for r in rows
        ]


def _who(row: TargetRow) -> str:
    """The rep's name; a Slack mention (shown by Slack as their name, in these replies to the
    manager alone) when we have not learnt it yet, never the raw user id."""
    return bk.escape(row.name) if row.name else f"<@{row.user_id}>"


def render_target_saved(lang: Lang, row: TargetRow) -> Reply:
    text = t(
        lang,
        "digests.target.saved",
        name=_who(row),
        period=row.label,
        start=format_day(lang, row.start),
        end=format_day(lang, row.end),
        amount=format_amount(row.amount, row.currency),
    )
    return Reply(text, [bk.section(text)])


def render_targets(lang: Lang, rows: list[TargetRow]) -> Reply:
    if not rows:
        return Reply(t(lang, "digests.target.none"))
    lines = [
        t(
            lang,
            "digests.target.line",
            name=_who(r),
            period=r.label,
            amount=format_amount(r.amount, r.currency),
        )
        for r in rows
    ]
    text = "\n".join([t(lang, "digests.target.header"), *lines])
    return Reply(text, [bk.section(chunk) for chunk in split_lines(text, SECTION_ROOM)[:MAX_SECTIONS]])

"""Customer meetings in the daily routine: the morning plan lists today's, the evening review
shows which were logged, the daily digest counts prompted / logged / dismissed per rep.

Set-based: one query for everyone a sweep or a digest is about (each person's own local day
given as a UTC [start, end) window).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.core.clock import zone
from bot.core.i18n import Lang, t
from bot.ui import blocks as bk
from storage.models import Account, CalendarMeeting

MAX_LINES = 10


@dataclass(frozen=True)
class DayMeeting:
    title: str
    account: str
    starts_at: datetime
    ends_at: datetime
    status: str


def meetings_on(
    session: Session, team_id: str, days: dict[int, tuple[datetime, datetime]]
) -> dict[int, list[DayMeeting]]:
    """{person: their customer meetings starting in their [start, end)}, by start."""
    if not days:
        return {}
    rows = session.execute(
        select(
            CalendarMeeting.person_id,
            CalendarMeeting.title,
            Account.name,
            CalendarMeeting.starts_at,
            CalendarMeeting.ends_at,
            CalendarMeeting.status,
        )
        .outerjoin(Account, Account.id == CalendarMeeting.account_id)
        .where(
            CalendarMeeting.team_id == team_id,
            CalendarMeeting.person_id.in_(sorted(days)),
            CalendarMeeting.starts_at >= min(s for s, _ in days.values()),
            CalendarMeeting.starts_at < max(e for _, e in days.values()),
        )
        .order_by(CalendarMeeting.starts_at, CalendarMeeting.id)
    )
    found: dict[int, list[DayMeeting]] = {}
    for person_id, title, account, starts_at, ends_at, status in rows:
        start, end = days[person_id]
        if start <= starts_at < end:
            found.setdefault(person_id, []).append(DayMeeting(title, account or "", starts_at, ends_at, status))
    return found


def agenda_blocks(lang: Lang, meetings: list[DayMeeting], tz: str, *, review: bool) -> list[dict[str, Any]]:
    """The plan's list of today's customer meetings, or (review) the same with what became of each."""
    if not meetings:
        return []
    lines = []
    for m in meetings[:MAX_LINES]:
        start = m.starts_at.astimezone(zone(tz)).strftime("%H:%M")
        end = m.ends_at.astimezone(zone(tz)).strftime("%H:%M")
        line = f"• {start}–{end} *{bk.escape(m.title)}* · {bk.escape(m.account)}"
        if review:
            state = {"logged": "logged", "dismissed": "dismissed"}.get(m.status, "not_logged")
            mark = {"logged": ":white_check_mark:", "dismissed": ":heavy_minus_sign:"}.get(m.status, ":hourglass:")
            line += f" — {mark} {t(lang, f'calendar.review.{state}')}"
        lines.append(line)
    title = t(lang, "calendar.review.today" if review else "calendar.plan.today")
    return [bk.section(title + "\n" + "\n".join(lines))]


def prompt_tallies(
    session: Session, team_id: str, person_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, tuple[int, int, int]]:
    """{person: (prompted, logged, dismissed)} for meetings that started in [start, end)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(
            CalendarMeeting.person_id,
            func.count(CalendarMeeting.prompted_at),
            func.sum(case((CalendarMeeting.status == "logged", 1), else_=0)),
            func.sum(case((CalendarMeeting.status == "dismissed", 1), else_=0)),
        )
        .where(
            CalendarMeeting.team_id == team_id,
            CalendarMeeting.person_id.in_(sorted(person_ids)),
            CalendarMeeting.starts_at >= start,
            CalendarMeeting.starts_at < end,
        )
        .group_by(CalendarMeeting.person_id)
    )
    return {int(p): (int(a or 0), int(b or 0), int(c or 0)) for p, a, b, c in rows}

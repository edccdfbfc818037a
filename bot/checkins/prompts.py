"""The two check-in DMs: a short prompt and one button that opens the form.

The counts in them come from set-based queries over everyone due at once (the sweep calls
`morning_counts` / `evening_counts` with all the people it is about to prompt).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.i18n import Lang, format_day, t
from bot.ui import blocks as bk
from storage.models import CheckIn, FollowUp, Visit

OPEN_PLAN = "checkin_open_plan"
OPEN_REVIEW = "checkin_open_review"
MAX_DAYS_BACK = 31  # an older prompt's button opens today's form (the day is long gone)


def prompt_day(value: object, today: date) -> date:
    """The day a prompt's button was sent for (its value), so yesterday's "Review my day"
    opens yesterday's review; today for a missing, malformed, future or very old value."""
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        return today
    return day if timedelta(0) <= today - day <= timedelta(days=MAX_DAYS_BACK) else today


def morning_counts(session: Session, team_id: str, person_ids: Collection[int], until: datetime) -> dict[int, int]:
    """{person: open follow-ups due before `until`} (the end of everyone's local day, at most)."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(FollowUp.owner_id, func.count())
        .where(
            FollowUp.team_id == team_id,
            FollowUp.status == "open",
            FollowUp.due_at < until,
            FollowUp.owner_id.in_(sorted(person_ids)),
        )
        .group_by(FollowUp.owner_id)
    )
    return {int(owner): int(count) for owner, count in rows}


def evening_counts(
    session: Session, team_id: str, days: dict[int, tuple[date, datetime, datetime]]
) -> dict[int, tuple[int, int]]:
    """{person: (plan items, visits logged)} for each person's local day (start, end instants)."""
    if not days:
        return {}
    ids = sorted(days)
    plans = {
        pid: len(items or [])
        for pid, day, items in session.execute(
            select(CheckIn.person_id, CheckIn.local_date, CheckIn.plan_items).where(
                CheckIn.person_id.in_(ids), CheckIn.local_date.in_({d for d, _, _ in days.values()})
            )
        )
        if days[pid][0] == day
    }
    earliest = min(s for _, s, _ in days.values())
    latest = max(e for _, _, e in days.values())
    visits: dict[int, int] = {}
    for rep, when in session.execute(
        select(Visit.rep_id, Visit.occurred_at).where(
            Visit.team_id == team_id, Visit.rep_id.in_(ids), Visit.occurred_at >= earliest, Visit.occurred_at < latest
        )
    ):
        _, start, end = days[rep]
        if start <= when < end:
            visits[rep] = visits.get(rep, 0) + 1
    return {pid: (plans.get(pid, 0), visits.get(pid, 0)) for pid in ids}


def morning_prompt(lang: Lang, day: date, due_follow_ups: int) -> tuple[str, list[dict[str, Any]]]:
    text = t(lang, "checkin.morning.text", day=format_day(lang, day))
    blocks = [
        bk.header(t(lang, "checkin.morning.header", day=format_day(lang, day))),
        bk.section(t(lang, "checkin.morning.body")),
    ]
    if due_follow_ups:
        blocks.append(bk.context(t(lang, "checkin.morning.due", count=due_follow_ups)))
    blocks.append(
        bk.actions(
            bk.button(t(lang, "checkin.morning.button"), OPEN_PLAN, day.isoformat(), style="primary"),
            block_id="checkin_actions",
        )
    )
    return text, blocks


def evening_prompt(lang: Lang, day: date, planned: int, visits: int) -> tuple[str, list[dict[str, Any]]]:
    text = t(lang, "checkin.evening.text", day=format_day(lang, day))
    blocks = [
        bk.header(t(lang, "checkin.evening.header", day=format_day(lang, day))),
        bk.section(t(lang, "checkin.evening.body", planned=planned, visits=visits)),
        bk.actions(
            bk.button(t(lang, "checkin.evening.button"), OPEN_REVIEW, day.isoformat(), style="primary"),
            block_id="checkin_actions",
        ),
    ]
    return text, blocks


def answered(lang: Lang, day: date, kind: str, detail: str) -> list[dict[str, Any]]:
    """The prompt once its form was saved: the button is replaced by what was saved."""
    return [
        bk.header(t(lang, f"checkin.{kind}.header", day=format_day(lang, day))),
        bk.section(f":white_check_mark: {detail}"),
    ]

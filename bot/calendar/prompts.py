"""Which meeting prompts are due now: set-based, per workspace, in each rep's own hours.

A meeting is prompted once it ended `GRACE` ago, when the rep's allowed hours are open (quiet
hours, days off and time off as for every job: bot/people/notify.py). Meetings that ended while the
rep could not be messaged wait and come together as one message. A meeting logged by hand
already (a visit to the same account on the same local day) is marked logged, not prompted.

Exactly once: due meetings are first assigned a `prompt_key` (status `queued`) in the planning
transaction; every queued group is then delivered through the ledger under that key, so a
crash anywhere re-sends the same message under the same key (the ledger answers
"already sent") and never prompts a meeting twice. The ledger's `after_sent` effect moves the
meetings to `prompted`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import local_date
from bot.core.i18n import Lang, lang_for
from bot.people.notify import due_people
from storage.models import Account, CalendarMeeting, Person, Visit

MEETING_PROMPTS = "meeting-prompts"
GRACE = timedelta(minutes=10)
MAX_AGE = timedelta(days=3)  # a meeting that ended longer ago is not prompted any more


@dataclass(frozen=True)
class PromptMeeting:
    id: int
    title: str
    account: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class PromptBatch:
    """One DM: a rep's meetings under one ledger key."""

    person_id: int
    user_id: str
    lang: Lang
    tz: str
    dm_channel_id: str | None
    key: str
    meetings: list[PromptMeeting]


def _logged_by_hand(session: Session, rows: list[tuple[CalendarMeeting, str]]) -> dict[int, int]:
    """{meeting id: visit id} for meetings whose account the rep visited that local day (a
    visit logged from another meeting's prompt does not count: two meetings, two visits)."""
    if not rows:
        return {}
    reps = {m.person_id for m, _ in rows}
    accounts = {m.account_id for m, _ in rows if m.account_id}
    low = min(m.starts_at for m, _ in rows) - timedelta(days=1)
    high = max(m.starts_at for m, _ in rows) + timedelta(days=1)
    from_prompts = select(CalendarMeeting.visit_id).where(
        CalendarMeeting.person_id.in_(reps), CalendarMeeting.visit_id.is_not(None)
    )
    visits = session.execute(
        select(Visit.id, Visit.rep_id, Visit.account_id, Visit.occurred_at).where(
            Visit.rep_id.in_(reps),
            Visit.account_id.in_(accounts),
            Visit.occurred_at >= low,
            Visit.occurred_at < high,
            Visit.id.not_in(from_prompts),  # a visit logged for another meeting does not count
        )
    ).all()
    tz_of = {m.person_id: tz for m, tz in rows}
    by_day: dict[tuple[int, int, date], int] = {}
    for visit_id, rep, account, occurred in visits:
        by_day.setdefault((rep, account, local_date(occurred, tz_of[rep])), visit_id)
    found = {}
    for meeting, tz in rows:
        logged = by_day.get((meeting.person_id, meeting.account_id or 0, local_date(meeting.starts_at, tz)))
        if logged is not None:
            found[meeting.id] = logged
    return found


def queue_due(session: Session, team_id: str, at: datetime) -> int:
    """Assign a prompt key to every meeting due now whose rep may be messaged now; how many."""
    open_people = {d.person_id: d for d in due_people(session, team_id, MEETING_PROMPTS, at) if not d.held}
    if not open_people:
        return 0
    rows = session.execute(
        select(CalendarMeeting, Person.tz)
        .join(Person, Person.id == CalendarMeeting.person_id)
        .where(
            CalendarMeeting.team_id == team_id,
            CalendarMeeting.status == "pending",
            CalendarMeeting.ends_at <= at - GRACE,
            CalendarMeeting.ends_at >= at - MAX_AGE,
            CalendarMeeting.person_id.in_(list(open_people)),
        )
        .order_by(CalendarMeeting.person_id, CalendarMeeting.ends_at, CalendarMeeting.id)
    ).all()
    pairs = [(m, tz) for m, tz in rows]
    logged = _logged_by_hand(session, pairs)
    for meeting_id, visit_id in logged.items():
        session.execute(
            update(CalendarMeeting).where(CalendarMeeting.id == meeting_id).values(status="logged", visit_id=visit_id)
        )
    groups: dict[int, list[int]] = defaultdict(list)
    for meeting, _ in pairs:
        if meeting.id not in logged:
            groups[meeting.person_id].append(meeting.id)
    for person_id, ids in groups.items():
        key = f"{open_people[person_id].local_date.isoformat()}:{min(ids)}"
        session.execute(
            update(CalendarMeeting)
            .where(CalendarMeeting.id.in_(ids), CalendarMeeting.status == "pending")
            .values(status="queued", prompt_key=key)
        )
    return sum(len(ids) for ids in groups.values())


def queued_batches(session: Session, team_id: str) -> list[PromptBatch]:
    """Every queued prompt of the workspace (including one a crashed sweep left), by rep and key."""
    rows = session.execute(
        select(CalendarMeeting, Account.name, Person)
        .join(Person, Person.id == CalendarMeeting.person_id)
        .outerjoin(Account, Account.id == CalendarMeeting.account_id)
        .where(CalendarMeeting.team_id == team_id, CalendarMeeting.status == "queued")
        .order_by(CalendarMeeting.person_id, CalendarMeeting.prompt_key, CalendarMeeting.ends_at, CalendarMeeting.id)
    ).all()
    batches: dict[tuple[int, str], PromptBatch] = {}
    for meeting, account, person in rows:
        key = (person.id, meeting.prompt_key or "")
        if key not in batches:
            batches[key] = PromptBatch(
                person.id,
                person.slack_user_id,
                lang_for(person.locale, person.lang),
                person.tz,
                person.dm_channel_id,
                meeting.prompt_key or "",
                [],
            )
        batches[key].meetings.append(
            PromptMeeting(meeting.id, meeting.title, account or "", meeting.starts_at, meeting.ends_at)
        )
    return list(batches.values())

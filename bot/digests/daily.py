"""The manager's daily digest (docs/method.md §3, §5, §6): yesterday's activity of each rep.

Per rep: visits against the team's daily standard (fullness, 饱满度), effective visits (a
stated purpose AND a next step), the PDCA check-in (plan and review done or not: completion,
never the private detail), follow-ups now overdue, and key relationships going cold. Then the
team's totals and who needs the manager's attention first.

"Yesterday" is the previous working day in the manager's time zone (Friday, on a Monday).
Every figure is one set-based query for the whole team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.cadence import cooling_contacts
from bot.calendar.agenda import prompt_tallies
from bot.core.config import WorkspaceConfig
from bot.digests.activity import VisitTally, visit_tallies
from bot.digests.periods import Window, day_window
from bot.followups.rules import overdue_by_owner
from bot.leads.stats import SpeedReport, speed_to_lead
from bot.people.notify import day_off
from bot.people.teams import display_name
from bot.visits.shared import ColleagueVisits, visits_by_others_of
from storage.models import Account, CheckIn, Person, TimeOff

# How many reps the "needs attention first" list names.
ATTENTION_LIMIT = 3
# Colleagues' visits on a rep's accounts named in the digest (the rest: "and N more").
COLLEAGUE_VISITS_SHOWN = 5
# Cooling contacts read for a team at first (key contacts come first; more are read only while
# all of them are key).
COOLING_SCAN = 500


@dataclass(frozen=True)
class RepDay:
    """One rep's yesterday."""

    person_id: int
    name: str
    visits: int
    effective: int
    standard: int
    planned: bool
    reviewed: bool
    overdue: int
    cooling: int
    off: bool = False
    meetings: tuple[int, int, int] = (0, 0, 0)  # calendar meetings: prompted, logged, dismissed
    by_colleagues: ColleagueVisits = field(default_factory=ColleagueVisits)  # on the rep's accounts

    @property
    def shortfall(self) -> int:
        return 0 if self.off else max(self.standard - self.visits, 0)

    @property
    def attention_score(self) -> int:
        """The rule for "needs attention first": visits short of the standard, plus overdue
        follow-ups, plus cooling key relationships, plus one for a missing check-in review.
        A rep on time off yesterday is judged only on what is overdue or cooling today."""
        missing_checkin = 0 if self.off or self.reviewed else 1
        return self.shortfall + self.overdue + self.cooling + missing_checkin

    def reasons(self) -> list[str]:
        """Message keys (in `bot/locales/digests.py`) of what put the rep on the attention list."""
        found = []
        if self.shortfall:
            found.append("short")
        if self.overdue:
            found.append("overdue")
        if self.cooling:
            found.append("cooling")
        if not self.off and not self.reviewed:
            found.append("no_review")
        return found


@dataclass(frozen=True)
class DailyTotals:
    reps: int
    visits: int
    effective: int
    standard: int  # the standard summed over the reps who worked
    planned: int
    reviewed: int
    overdue: int
    cooling: int
    off: int


@dataclass(frozen=True)
class DailyDigest:
    team_name: str
    day: date
    standard: int
    reps: list[RepDay]
    totals: DailyTotals
    attention: list[RepDay] = field(default_factory=list)
    speed_report: SpeedReport | None = None


def previous_working_day(today: date, config: WorkspaceConfig, holidays: dict[date, str]) -> date:
    """The last working day before `today` (weekends and the team's holidays skipped)."""
    day = today - timedelta(days=1)
    for _ in range(31):
        if day_off(day, config.schedule, holidays) is None:
            return day
        day -= timedelta(days=1)
    return today - timedelta(days=1)


def overdue_counts(session: Session, team_id: str, rep_ids: list[int], now: datetime) -> dict[int, int]:
    """Open follow-ups due by `now`, per owner (the nudges' own selection)."""
    return {
        owner: count for owner, (count, _) in overdue_by_owner(session, team_id, rep_ids, now, per_person=1).items()
    }


def cooling_counts(
    session: Session, team_id: str, rep_ids: list[int], now: datetime, config: WorkspaceConfig
) -> dict[int, int]:
    """Per rep: key relationships cooling (`bot.accounts.cadence`: decision makers and coaches of an
    account with an open deal not met face to face within `key_contact_days`, or never met).

    At most two calls for the whole team: key contacts come first in `cooling_contacts`, so a
    page that is not all key contacts holds every key one; if it is, one more call reads all.
    (A count per owner in `bot.accounts.cadence` itself would be one query.)"""
    if not rep_ids:
        return {}
    scan = COOLING_SCAN
    while True:
        total, contacts = cooling_contacts(session, team_id, rep_ids, now, config.cadence, limit=scan)
        keys = [c for c in contacts if c.key]
        if len(keys) < len(contacts) or len(contacts) >= total:
            break
        scan = total  # the page was all key contacts: read them all in one more call
    if not keys:
        return {}
    owners = dict(
        session.execute(select(Account.id, Account.owner_id).where(Account.id.in_({c.account_id for c in keys}))).all()
    )
    found: dict[int, int] = {}
    for contact in keys:
        owner = owners.get(contact.account_id)
        if owner is not None:
            found[owner] = found.get(owner, 0) + 1
    return found


def checkins_on(session: Session, team_id: str, rep_ids: list[int], day: date) -> dict[int, tuple[bool, bool]]:
    """Per person: (plan done, review done) for the local date `day`."""
    rows = session.execute(
        select(CheckIn.person_id, CheckIn.planned_at, CheckIn.reviewed_at).where(
            CheckIn.team_id == team_id, CheckIn.person_id.in_(rep_ids), CheckIn.local_date == day
        )
    )
    return {person: (planned is not None, reviewed is not None) for person, planned, reviewed in rows}


def off_on(session: Session, team_id: str, rep_ids: list[int], day: date) -> set[int]:
    return set(
        session.scalars(
            select(TimeOff.person_id).where(
                TimeOff.team_id == team_id,
                TimeOff.person_id.in_(rep_ids),
                TimeOff.starts_on <= day,
                TimeOff.ends_on >= day,
            )
        )
    )


def build_daily(
    session: Session,
    team_id: str,
    team_name: str,
    reps: list[Person],
    day: date,
    tz: str,
    now: datetime,
    config: WorkspaceConfig,
    *,
    since: datetime | None = None,
) -> DailyDigest:
    """The daily digest of `reps` for the local date `day` (in `tz`), as of `now`.

    Visits colleagues logged on each rep's accounts are those logged from `since` (the end of
    the previous digest's day, so a weekend's are not lost) to the end of `day`: each is told
    once (issue 15)."""
    ids = [p.id for p in reps]
    window: Window = day_window(day, tz)
    by_colleagues = visits_by_others_of(
        session, team_id, ids, since or window.start, window.end, limit=COLLEAGUE_VISITS_SHOWN
    )
    standard = config.daily_visit_standard
    visits = visit_tallies(session, team_id, ids, window.start, window.end)
    overdue = overdue_counts(session, team_id, ids, now) if ids else {}
    cooling = cooling_counts(session, team_id, ids, now, config) if ids else {}
    checkins = checkins_on(session, team_id, ids, day) if ids else {}
    off = off_on(session, team_id, ids, day) if ids else set()
    meetings = prompt_tallies(session, team_id, ids, window.start, window.end)
    rows = [
        RepDay(
            person_id=p.id,
            name=display_name(p),
            visits=visits.get(p.id, VisitTally()).visits,
            effective=visits.get(p.id, VisitTally()).effective,
            standard=standard,
            planned=checkins.get(p.id, (False, False))[0],
            reviewed=checkins.get(p.id, (False, False))[1],
            overdue=overdue.get(p.id, 0),
            cooling=cooling.get(p.id, 0),
            off=p.id in off,
            meetings=meetings.get(p.id, (0, 0, 0)),
            by_colleagues=by_colleagues.get(p.id, ColleagueVisits()),
        )
        for p in reps
    ]
    working = [r for r in rows if not r.off]
    totals = DailyTotals(
        reps=len(rows),
        visits=sum(r.visits for r in rows),
        effective=sum(r.effective for r in rows),
        standard=standard * len(working),
        planned=sum(r.planned for r in rows),
        reviewed=sum(r.reviewed for r in rows),
        overdue=sum(r.overdue for r in rows),
        cooling=sum(r.cooling for r in rows),
        off=len(rows) - len(working),
    )
    attention = sorted((r for r in rows if r.attention_score > 0), key=lambda r: (-r.attention_score, r.name))
    speed = speed_to_lead(session, team_id, ids, window.start, window.end, now, config.follow_up.new_lead_hours)
    return DailyDigest(team_name, day, standard, rows, totals, attention[:ATTENTION_LIMIT], speed_report=speed)

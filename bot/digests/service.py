"""Which digest is due for which team, building it, and the on-demand preview.

The scheduler's jobs (`scheduler/jobs/*digest*`, `winloss_recap`, `tier_review`) ask `due()`
whether a team's digest is due now in the manager's own time zone and under what period key
(the ledger's dedupe key: once per team and period), then `team_digest()` for the rendered
message. `do_preview()` renders the same thing for a manager on demand (`/coach digest
weekly`), after checking that the actor may see the team: a rep may not.

A team digest speaks the manager's language and counts days in the manager's time zone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import analytics
from bot.core.access import AccessError
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.config import WorkspaceConfig
from bot.core.i18n import Lang, lang_for, t
from bot.digests import daily, periods, recap, render, tiers, weekly
from bot.digests.layout import Rendered
from bot.people.holiday_scope import WORKSPACE, team_scope
from bot.people.members import workspace_config
from bot.people.notify import day_off
from bot.people.teams import TeamInfo, team_config, team_for_request, team_info
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from storage.db import Database
from storage.models import Delivery, Holiday, Person, SalesTeam

KINDS = ("daily", "weekly", "recap", "tiers")
KIND_WORDS = {
    "daily": "daily",
    "day": "daily",
    "日报": "daily",
    "每日": "daily",
    "weekly": "weekly",
    "week": "weekly",
    "周报": "weekly",
    "每周": "weekly",
    "recap": "recap",
    "winloss": "recap",
    "复盘": "recap",
    "tier": "tiers",
    "tiers": "tiers",
    "555": "tiers",
    "分层": "tiers",
}
# The scheduler job that sends each kind.
JOBS = {"daily": "manager-digest", "weekly": "weekly-digest", "recap": "winloss-recap", "tiers": "tier-review"}


class NotForReps(AccessError):
    """A rep asked for team data: a polite refusal."""

    message_key = "digests.not_for_reps"


@dataclass(frozen=True)
class Due:
    """A digest due now: its period key (dedupe key) and the local moment it is built for."""

    kind: str
    key: str
    today: date
    local: datetime


def team_lang(team: TeamInfo) -> Lang:
    return lang_for(team.manager_locale, team.manager_lang)


def _holidays(session: Session, team: TeamInfo, around: date) -> dict[date, str]:
    """The workspace's and this sales team's own holidays within a month and a half of `around`
    (enough for "the first working day of the month/week" and "yesterday"): a team's day off
    moves its digests as a workspace holiday moves everyone's. A region's holidays do not: they
    are the days off of the people whose time zone is there, and a team may span regions."""
    rows = session.execute(
        select(Holiday.day, Holiday.name).where(
            Holiday.team_id == team.team_id,
            Holiday.scope.in_((WORKSPACE, team_scope(team.id))),
            Holiday.day >= around - timedelta(days=45),
            Holiday.day <= around + timedelta(days=45),
        )
    )
    return {day: name for day, name in rows}


def is_working_day(day: date, config: WorkspaceConfig, holidays: dict[date, str]) -> bool:
    return day_off(day, config.schedule, holidays) is None


def _at_or_after(local: datetime, hhmm: str) -> bool:
    return local.time() >= time.fromisoformat(hhmm)


def week_key(day: date) -> str:
    """The ISO week of `day` ("2026-W48"): the weekly digest's and the recap's period key."""
    return "{}-W{:02d}".format(*day.isocalendar()[:2])


def recap_period(session: Session, team: TeamInfo, key: str, now: datetime) -> analytics.Period:
    """The period the team's recap keyed `key` reports: from the watermark of the last recap
    parent sent under another key up to `now`, or, when this key's parent is already in the
    ledger (a thread resumed after a crash), up to the watermark recorded with it, so the
    replies match the parent. Held or failed parents do not move the watermark: their closes
    go into the next recap."""
    rows = session.execute(
        select(Delivery.dedupe_key, Delivery.status, Delivery.items).where(
            Delivery.team_id == team.team_id,
            Delivery.job == JOBS["recap"],
            Delivery.dedupe_key.not_like("%:%"),
        )
    ).all()
    mine = f"team:{team.id}"
    previous: datetime | None = None
    end = now
    for dedupe_key, status, items in rows:
        if mine not in (items or []):
            continue
        through = recap.parse_through(items)
        if through is None:
            continue
        if dedupe_key == key:
            end = through
        elif status == "sent" and through <= now and (previous is None or through > previous):
            previous = through
    return recap.recap_period(end, previous)


def due(kind: str, local: datetime, config: WorkspaceConfig, holidays: dict[date, str]) -> Due | None:
    """Whether `kind` is due at the local moment `local` (the manager's time), and its key.

    * daily: every working day from `digest_time` until `quiet_end` (key: the date);
    * weekly: the first working day of the week on or after `weekly_digest_day` (Monday),
      from `digest_time` (key: the ISO week);
    * recap: the last working day of the week on or before `recap_day` (Friday), from
      `recap_time` (key: the ISO week);
    * tiers: the first working day of the month, from `digest_time` (key: the month).
    """
    today = local.date()
    schedule = config.schedule
    if not is_working_day(today, config, holidays) or local.time() >= time.fromisoformat(schedule.quiet_end):
        return None
    monday = today - timedelta(days=today.weekday())
    this_week = week_key(today)
    if kind == "daily":
        return Due(kind, today.isoformat(), today, local) if _at_or_after(local, schedule.digest_time) else None
    if kind == "weekly":
        first = next(
            (
                d
                for d in (monday + timedelta(days=i) for i in range(schedule.weekly_digest_day, 7))
                if is_working_day(d, config, holidays)
            ),
            None,
        )
        if first == today and _at_or_after(local, schedule.digest_time):
            return Due(kind, this_week, today, local)
        return None
    if kind == "recap":
        last = next(
            (
                d
                for d in (monday + timedelta(days=i) for i in range(schedule.recap_day, -1, -1))
                if is_working_day(d, config, holidays)
            ),
            None,
        )
        if last == today and _at_or_after(local, schedule.recap_time):
            return Due(kind, this_week, today, local)
        return None
    if kind == "tiers":
        first_of_month = today.replace(day=1)
        first = next(
            (
                d
                for d in (first_of_month + timedelta(days=i) for i in range(31))
                if d.month == today.month and is_working_day(d, config, holidays)
            ),
            None,
        )
        if first == today and _at_or_after(local, schedule.digest_time):
            return Due(kind, today.strftime("%Y-%m"), today, local)
        return None
    raise ValueError(kind)


def due_for_team(session: Session, team: TeamInfo, kind: str, now: datetime) -> Due | None:
    """Due by the team's own digest days and times where its manager or an admin set them."""
    config = team_config(workspace_config(session, team.team_id), session.get(SalesTeam, team.id))
    local = local_now_of(now, team.manager_tz)
    return due(kind, local, config, _holidays(session, team, local.date()))


def local_now_of(now: datetime, tz: str) -> datetime:
    return now.astimezone(zone(tz))


def _members(session: Session, team: TeamInfo) -> list[Person]:
    if not team.member_ids:
        return []
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(team.member_ids)))}
    return [people[i] for i in team.member_ids if i in people]


Data = daily.DailyDigest | weekly.WeeklyDigest | recap.Recap | tiers.TierReview


def build(
    session: Session,
    team: TeamInfo,
    kind: str,
    now: datetime,
    *,
    today: date | None = None,
    preview: bool = False,
) -> Data:
    """The figures of `kind` for `team` as of `now` (its local day `today`), as plain data.

    The scheduled 5+5+5 review looks back at the month that just ended; a preview shows the
    current month so far (what next month's review will say, as it stands)."""
    config = workspace_config(session, team.team_id)
    tz = team.manager_tz
    today = today or local_now_of(now, tz).date()
    reps = _members(session, team)
    if kind == "daily":
        holidays = _holidays(session, team, today)
        day = daily.previous_working_day(today, config, holidays)
        before = daily.previous_working_day(day, config, holidays)  # the previous digest's day
        since = periods.day_window(before, tz).end
        return daily.build_daily(session, team.team_id, team.name, reps, day, tz, now, config, since=since)
    if kind == "weekly":
        return weekly.build_weekly(session, team.team_id, team.name, reps, today, tz, now, config)
    if kind == "recap":
        period = recap_period(session, team, week_key(today), now)
        return recap.build_recap(session, team.team_id, team.name, reps, period, tz, config)
    if kind == "tiers":
        month = periods.month_of(today, tz) if preview else periods.previous_month(today, tz)
        return tiers.build_tier_review(session, team.team_id, team.name, reps, month, periods.year_to(month.last, tz))
    raise ValueError(kind)


def render_data(lang: Lang, data: Data) -> Rendered:
    """Block Kit (and, weekly, the charts) for digest data, in `lang`. No database here, so
    callers render after their transaction has ended (charts take a while to draw)."""
    if isinstance(data, daily.DailyDigest):
        return render.render_daily(lang, data)
    if isinstance(data, weekly.WeeklyDigest):
        return render.render_weekly(lang, data)
    if isinstance(data, recap.Recap):
        return render.render_recap(lang, data)
    return render.render_tier_review(lang, data)


def build_and_render(
    session: Session, team: TeamInfo, kind: str, now: datetime, lang: Lang, *, preview: bool = False
) -> Rendered:
    """`build` then `render_data`, for callers that hold a session anyway (tests, benchmarks)."""
    return render_data(lang, build(session, team, kind, now, preview=preview))


def team_digest(db: Database, team_id: str, sales_team_id: int, kind: str, now: datetime, today: date) -> Rendered:
    """The scheduled digest of one team (the jobs call this once the ledger says it is due):
    built in one transaction, rendered after it."""
    lang, data = _team_data(db, team_id, sales_team_id, kind, now, today)
    return render_data(lang, data)


def _team_data(
    db: Database, team_id: str, sales_team_id: int, kind: str, now: datetime, today: date
) -> tuple[Lang, Data]:
    with db.transaction() as session:
        row = session.get(SalesTeam, sales_team_id)
        assert row is not None and row.team_id == team_id
        team = team_info(session, row)
        return team_lang(team), build(session, team, kind, now, today=today)


def team_digests(
    db: Database, jobs: Sequence[tuple[TeamInfo, Due]], kind: str, now: datetime
) -> Iterator[tuple[TeamInfo, Due, Rendered | Exception]]:
    """`team_digest` for many teams, in the order given, as a two-stage pipeline: this thread
    reads team n+1's figures (one transaction at a time, so SQLite never has two writers
    waiting on each other) while a worker thread draws team n's Block Kit and charts. A team
    whose digest fails yields its exception; the others go on.

    (A worker process was tried: on two shared cores it was slower, the drawing being the
    slower stage either way.)"""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-render") as renderer:
        previous: _Pending | None = None
        for team, when in jobs:
            try:
                lang, data = _team_data(db, team.team_id, team.id, kind, now, when.today)
            except Exception as exc:
                current = _Pending(team, when, exc)
            else:
                current = _Pending(team, when, renderer.submit(render_data, lang, data))
            if previous is not None:
                yield previous.settle()
            previous = current
        if previous is not None:
            yield previous.settle()


@dataclass
class _Pending:
    """A team in the pipeline: its drawing under way (a future) or its failure."""

    team: TeamInfo
    when: Due
    outcome: Future[Rendered] | Exception

    def settle(self) -> tuple[TeamInfo, Due, Rendered | Exception]:
        if isinstance(self.outcome, Exception):
            return self.team, self.when, self.outcome
        try:
            return self.team, self.when, self.outcome.result()
        except Exception as exc:
            return self.team, self.when, exc


@dataclass(frozen=True)
class Preview:
    team: TeamInfo
    kind: str
    rendered: Rendered


def do_preview(db: Database, actor: Actor, kind: str, manager_user_id: str | None, now: datetime) -> Preview:
    """`/coach digest weekly`: the digest a manager's team would get now, in the actor's
    language. Managers see their own team; admins may name a manager; reps are refused."""
    if not actor.is_manager:
        raise NotForReps()
    with db.transaction() as session:
        team = team_for_request(session, actor, manager_user_id, now)
        data = build(session, team, kind, now, preview=True)
    return Preview(team, kind, render_data(actor.lang, data))


def channel_refused_note(team: TeamInfo, error: str) -> Reply:
    """What the manager is told when the team's channel refused the digest for good."""
    text = t(team_lang(team), "digests.channel_refused", channel=team.channel_id or "", error=error or "?")
    return Reply(text, [bk.section(text)])

"""Notification control: when a scheduled message may reach a person, and why one was held back.

One layer, used by every job, so that no message arrives at 3 a.m., on a Sunday, on a holiday
or during time off, and none arrives twice in a day:

- Local time. Everything is decided in the person's own time zone (`Person.tz`, from Slack),
  with zoneinfo, so daylight-saving changes move nothing: "08:45" is 08:45 on the wall clock.
- Windows. Each job has a local start time (`check-in times: the person's own or the
  workspace's; nudges: `NUDGE_FROM`) and may send from then until the end of the person's
  allowed hours (quiet hours: nothing before `quiet_start` or from `quiet_end` on; default
  08:00–20:00, per person or per workspace). The morning plan also stops at the evening
  check-in time: a plan prompt at 7 p.m. helps nobody.
- Days off. Non-working weekdays (`Schedule.working_days`), workspace holidays and personal
  time off (`/checkin off until …`) send nothing. A job with something to report records the
  message as *held* (with the reason) instead, which `/coach why` shows; what it held is
  still there the next working day, because the items' "reported" state only moves when a
  message is sent.
- Batching. A job sends at most one message per person per local day (the ledger key is the
  local date), listing everything due, never one message per item.

`due_people` is the set-based form used by the sweeps: one statement per workspace selects
everyone whose window is open now and who has not had today's message, however many people
and time zones there are (the zones' local clocks are computed here, once per zone, and
handed to SQL as CASE expressions). `explain` is the per-person form behind `/coach why`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, String, cast, exists, func, literal, select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.config import Schedule, WorkspaceConfig
from bot.core.i18n import Lang, catalog, format_day, lang_for, t, weekday
from bot.people.away import away_now
from bot.people.holiday_scope import WORKSPACE, people_scopes, person_holidays, scoped_holidays
from bot.people.members import workspace_config
from storage.models import Delivery, Holiday, Person, TimeOff
from storage.queries.sql import lookup

CHECKIN_MORNING = "checkin-morning"
CHECKIN_EVENING = "checkin-evening"
FOLLOWUP_NUDGES = "followup-nudges"
RELATIONSHIP_DECAY = "relationship-decay"
STALE_DEALS = "stale-deals"

# Local times from which the reminder jobs send (after the morning plan, spread over the morning).
NUDGE_FROM = {FOLLOWUP_NUDGES: "09:30", RELATIONSHIP_DECAY: "10:00", STALE_DEALS: "10:30"}
JOB_ORDER = (CHECKIN_MORNING, FOLLOWUP_NUDGES, RELATIONSHIP_DECAY, STALE_DEALS, CHECKIN_EVENING)
HELD_REASONS = ("time_off", "holiday", "weekend")


def hhmm(value: str | time | None) -> str | None:
    """'8:5', '08:05', time(8, 5) → '08:05' (the form stored and compared as text); None if invalid."""
    if value is None:
        return None
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    text = str(value).strip().replace("：", ":")
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        return None
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return f"{h:02d}:{m:02d}"


@dataclass(frozen=True)
class Window:
    """The part of a person's local day in which a job may send: from `start` (a Person column
    overriding a workspace default) until `until` (likewise; None: only quiet hours apply)."""

    start_column: str | None
    start_default: str
    until_column: str | None = None
    until_default: str | None = None

    def start_for(self, person: Person) -> str:
        value = getattr(person, self.start_column) if self.start_column else None
        return hhmm(value) or self.start_default

    def until_for(self, person: Person) -> str | None:
        value = getattr(person, self.until_column) if self.until_column else None
        return hhmm(value) or self.until_default


def window_for(job: str, schedule: Schedule) -> Window:
    if job == CHECKIN_MORNING:
        return Window("checkin_morning", schedule.checkin_morning, "checkin_evening", schedule.checkin_evening)
    if job == CHECKIN_EVENING:
        return Window("checkin_evening", schedule.checkin_evening)
    return Window(None, NUDGE_FROM.get(job, schedule.quiet_start))


def quiet_hours(person: Person, schedule: Schedule) -> tuple[str, str]:
    """(allowed from, allowed until) in local time for `person`."""
    return hhmm(person.quiet_start) or schedule.quiet_start, hhmm(person.quiet_end) or schedule.quiet_end


def day_off(day: date, schedule: Schedule, holidays: dict[date, str]) -> str | None:
    """'holiday', 'weekend' or None for a workspace-wide local date."""
    if day in holidays:
        return "holiday"
    if day.weekday() not in schedule.working_days:
        return "weekend"
    return None


def holidays_near(session: Session, team_id: str, at: datetime, days: int = 2) -> dict[date, str]:
    """The workspace-wide holidays around `at` (every time zone's local date falls in ±1 day);
    a team's or a region's are `bot.people.holiday_scope`'s."""
    today = at.astimezone(UTC).date()
    rows = session.execute(
        select(Holiday.day, Holiday.name).where(
            Holiday.team_id == team_id,
            Holiday.scope == WORKSPACE,
            Holiday.day >= today - timedelta(days=days),
            Holiday.day <= today + timedelta(days=days),
        )
    )
    return {day: name for day, name in rows}


# ----- the sweeps' selection ----------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    """A person whose window for a job is open now and who has not had today's message.

    `held` names why nothing may be sent today ('time_off', 'holiday', 'weekend') or is None.
    """

    person_id: int
    user_id: str
    lang: Lang
    tz: str
    local_date: date
    held: str | None
    dm_channel_id: str | None

    @property
    def dedupe_key(self) -> str:
        return self.local_date.isoformat()


def _zone_clocks(zones: list[str], at: datetime) -> dict[str, datetime]:
    return {name: at.astimezone(zone(name)) for name in zones}


def due_people(
    session: Session,
    team_id: str,
    job: str,
    at: datetime,
    *,
    config: WorkspaceConfig | None = None,
    person_ids: list[int] | None = None,
) -> list[Due]:
    """Everyone in `team_id` whose window for `job` is open at `at`, in their own time zone,
    who has not yet been sent (or held) today's `job` message. One query however many people."""
    config = config or workspace_config(session, team_id)
    schedule = config.schedule
    people = [Person.team_id == team_id, Person.is_active.is_(True)]
    if person_ids is not None:
        people.append(Person.id.in_(person_ids))
    zones = list(session.scalars(select(Person.tz).where(*people).distinct()))
    if not zones:
        return []
    clocks = _zone_clocks(zones, at)
    holidays = holidays_near(session, team_id, at)
    local_time = lookup(Person.tz, {z: c.strftime("%H:%M") for z, c in clocks.items()})
    local_key = lookup(Person.tz, {z: c.date().isoformat() for z, c in clocks.items()})
    local_day = cast(local_key, Date) if session.get_bind().dialect.name == "postgresql" else local_key
    off = lookup(Person.tz, {z: day_off(c.date(), schedule, holidays) or "" for z, c in clocks.items()})

    window = window_for(job, schedule)
    start = func.coalesce(getattr(Person, window.start_column), window.start_default) if window.start_column else None
    conditions: list[Any] = [
        *people,
        local_time >= (start if start is not None else literal(window.start_default, String)),
        local_time >= func.coalesce(Person.quiet_start, schedule.quiet_start),
        local_time < func.coalesce(Person.quiet_end, schedule.quiet_end),
    ]
    if window.until_default is not None:
        until = (
            func.coalesce(getattr(Person, window.until_column), window.until_default)
            if window.until_column
            else literal(window.until_default, String)
        )
        conditions.append(local_time < until)
    done = exists().where(
        Delivery.team_id == team_id,
        Delivery.job == job,
        Delivery.recipient == Person.slack_user_id,
        Delivery.dedupe_key == local_key,
        Delivery.status.in_(("sent", "held")),
    )
    on_leave = exists().where(
        TimeOff.person_id == Person.id, TimeOff.starts_on <= local_day, TimeOff.ends_on >= local_day
    )
    rows = session.execute(
        select(
            Person.id,
            Person.slack_user_id,
            Person.locale,
            Person.lang,
            Person.tz,
            Person.dm_channel_id,
            on_leave.label("on_leave"),
            off.label("off"),
            Person.manager_id,
        )
        .where(*conditions, ~done)
        .order_by(Person.id)
    ).all()
    # A team's or a region's holiday: looked up for the few people due now, not in the query.
    today = at.astimezone(UTC).date()
    scoped = scoped_holidays(session, team_id, today - timedelta(days=2), today + timedelta(days=2))
    scopes = people_scopes(session, team_id, [(r[0], r[8], r[4]) for r in rows]) if scoped else {}
    due = []
    for pid, user, locale, lang, tz, dm, leave, off_reason, _ in rows:
        local = clocks[tz].date()
        own_holiday = any(local in scoped.get(scope, {}) for scope in scopes.get(pid, ()))
        held = "time_off" if leave else (off_reason or ("holiday" if own_holiday else None))
        due.append(Due(pid, user, lang_for(locale, lang), tz, local, held, dm))
    return due


# ----- one person: `/coach why` -------------------------------------------------------------
def time_off_on(session: Session, person_id: int, day: date) -> TimeOff | None:
    return session.scalar(
        select(TimeOff)
        .where(TimeOff.person_id == person_id, TimeOff.starts_on <= day, TimeOff.ends_on >= day)
        .order_by(TimeOff.ends_on.desc())
        .limit(1)
    )


def job_state(
    person: Person,
    schedule: Schedule,
    job: str,
    local_now: datetime,
    off: str | None,
) -> tuple[str, str | None]:
    """Where `job` stands for `person` today, before looking at the ledger:
    ('held', reason) | ('later', 'HH:MM') | ('open', None) | ('closed', 'HH:MM')."""
    if off:
        return "held", off
    window = window_for(job, schedule)
    q_start, q_end = quiet_hours(person, schedule)
    start = max(window.start_for(person), q_start)
    ends = [q_end] + ([u] if (u := window.until_for(person)) else [])
    end = min(ends)
    now = local_now.strftime("%H:%M")
    if now < start:
        return "later", start
    if now >= end:
        return "closed", end
    return "open", None


def explain(session: Session, actor: Actor, at: datetime, *, days: int = 7) -> dict[str, Any]:
    """Everything `/coach why` says: the person's rules, today's state of each job, and what
    was sent or held back in the last `days` days (from the delivery ledger)."""
    person = session.get(Person, actor.person_id)
    assert person is not None
    config = workspace_config(session, actor.team_id)
    schedule = config.schedule
    local_now = at.astimezone(zone(person.tz))
    today = local_now.date()
    holidays = person_holidays(session, person, today - timedelta(days=days), today)
    leave = time_off_on(session, person.id, today)
    off = "time_off" if leave else day_off(today, schedule, holidays)
    ledger_rows = list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.team_id == actor.team_id,
                Delivery.recipient == actor.user_id,
                Delivery.claimed_at >= at - timedelta(days=days),
            )
            .order_by(Delivery.claimed_at, Delivery.id)
        )
    )
    today_rows = {row.job: row for row in ledger_rows if row.dedupe_key == today.isoformat()}
    jobs = []
    for job in JOB_ORDER:
        row = today_rows.get(job)
        if row is not None:
            jobs.append({"job": job, "state": row.status, "detail": row.reason, "row": row})
        else:
            state, detail = job_state(person, schedule, job, local_now, off)
            jobs.append({"job": job, "state": state, "detail": detail, "row": None})
    upcoming = session.scalar(
        select(TimeOff)
        .where(TimeOff.person_id == person.id, TimeOff.ends_on >= today)
        .order_by(TimeOff.starts_on)
        .limit(1)
    )
    return {
        "person": person,
        "local_now": local_now,
        "quiet": quiet_hours(person, schedule),
        "working_days": schedule.working_days,
        "checkin_times": (
            window_for(CHECKIN_MORNING, schedule).start_for(person),
            window_for(CHECKIN_EVENING, schedule).start_for(person),
        ),
        "off_today": off,
        "holiday_today": holidays.get(today),
        "time_off": upcoming,
        "jobs": jobs,
        "history": ledger_rows,
        "away": away_now(person, at),
    }


def render_why(lang: Lang, report: dict[str, Any]) -> tuple[str, list[str]]:
    """(headline, lines) of `/coach why` in `lang` (blocks are built by the caller)."""
    person: Person = report["person"]
    local_now: datetime = report["local_now"]
    q_start, q_end = report["quiet"]
    days = " ".join(weekday(lang, date(2024, 1, 1) + timedelta(days=d)) for d in sorted(report["working_days"]))
    lines = [
        t(
            lang,
            "why.rules",
            tz=person.tz,
            now=local_now.strftime("%H:%M"),
            start=q_start,
            end=q_end,
            days=days,
            morning=report["checkin_times"][0],
            evening=report["checkin_times"][1],
        )
    ]
    leave = report["time_off"]
    if leave is not None:
        lines.append(
            t(lang, "why.time_off", start=format_day(lang, leave.starts_on), end=format_day(lang, leave.ends_on))
        )
    away = report.get("away")
    if away:
        lines.append(t(lang, f"why.away.{away[0]}", status=away[1] or ""))
    off = report["off_today"]
    if off:
        lines.append(t(lang, f"why.off.{off}", name=report["holiday_today"] or ""))
    lines.append(t(lang, "why.today"))
    for entry in report["jobs"]:
        job, state, detail, row = entry["job"], entry["state"], entry["detail"], entry["row"]
        name = t(lang, f"why.job.{job}")
        if row is not None and state == "sent":
            text = t(lang, "why.state.sent", time=_local_hm(row.sent_at or row.claimed_at, person.tz))
        elif row is not None and state == "held":
            text = t(
                lang, "why.state.held", reason=t(lang, f"why.reason.{detail}") if detail in HELD_REASONS else detail
            )
        elif row is not None:
            text = t(lang, "why.state.pending", error=(row.last_error or "")[:120])
        elif state == "held":
            text = t(lang, "why.state.off", reason=t(lang, f"why.reason.{detail}"))
        elif state == "later":
            text = t(lang, "why.state.later", time=detail)
        elif state == "closed":
            text = t(lang, "why.state.closed", time=detail)
        else:
            text = t(lang, "why.state.open")
        lines.append(f"• *{name}*: {text}")
    history = report["history"]
    if history:
        lines.append(t(lang, "why.history"))
        for row in history[-15:]:
            when = row.sent_at or row.claimed_at
            day = format_day(lang, when.astimezone(zone(person.tz)).date())
            name = t(lang, f"why.job.{row.job}") if f"why.job.{row.job}" in catalog() else row.job
            summary = row.summary or ""
            if row.status == "sent":
                lines.append(t(lang, "why.line.sent", day=day, job=name, summary=summary))
            elif row.status == "held":
                reason = t(lang, f"why.reason.{row.reason}") if row.reason in HELD_REASONS else (row.reason or "")
                lines.append(t(lang, "why.line.held", day=day, job=name, summary=summary, reason=reason))
            else:
                lines.append(t(lang, "why.line.failed", day=day, job=name, error=(row.last_error or "")[:120]))
    else:
        lines.append(t(lang, "why.no_history"))
    return t(lang, "why.title"), lines


def _local_hm(instant: datetime, tz: str) -> str:
    return instant.astimezone(zone(tz)).strftime("%H:%M")


def is_off_for(session: Session, person: Person, day: date, config: WorkspaceConfig) -> str | None:
    """Why `person` gets nothing on local `day` (time_off, holiday, weekend), or None."""
    if time_off_on(session, person.id, day):
        return "time_off"
    if person_holidays(session, person, day, day):
        return "holiday"
    return day_off(day, config.schedule, {})


def next_working_day(session: Session, person: Person, after: date, config: WorkspaceConfig) -> date:
    """The first local date after `after` on which `person` works (at most 60 days on)."""
    day = after
    for _ in range(60):
        day += timedelta(days=1)
        if is_off_for(session, person, day, config) is None:
            return day
    return after + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DueMove:
    """A due date moved off a day the person does not work: from `day`, and why
    ('weekend' = one of their non-working weekdays, 'holiday', 'time_off')."""

    day: date
    reason: str


def working_due(session: Session, person: Person, due_at: datetime, now: datetime) -> tuple[datetime, DueMove | None]:
    """`due_at` moved to the same local time on the person's next working day when it falls
    on a day they do not work (not today: a rep working on a Saturday may mean today)."""
    tz = zone(person.tz)
    local = due_at.astimezone(tz)
    if local.date() <= now.astimezone(tz).date():
        return due_at, None
    config = workspace_config(session, person.team_id)
    reason = is_off_for(session, person, local.date(), config)
    if reason is None:
        return due_at, None
    day = next_working_day(session, person, local.date(), config)
    moved = datetime.combine(day, local.time(), tz)
    return moved.astimezone(due_at.tzinfo), DueMove(local.date(), reason)

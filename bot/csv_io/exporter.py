"""Exporting visits, deals and conversion as CSV, for spreadsheets and for whatever comes after us.

Files are UTF-8 with a byte-order mark (so Excel shows Chinese correctly), one row per visit or
deal, times in the reader's time zone as ISO 8601 with the offset. Cells that a spreadsheet
would run as a formula (starting with =, +, -, @) get a leading apostrophe.

Scope: the CLI exports a whole workspace; in Slack a manager gets their team and an admin the
workspace (`bot.core.access.team_person_ids`). `since` keeps visits on or after that local date, and
deals still open or closed on or after it. The conversion export is `bot.analytics.compare_reps`
over the period from `since` (default: the last 365 days) to now, the same figures and the same
wording (`bot.analytics.wording`) as App Home, `/pipeline` and the digests: one row per step for
the team, then per rep.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from bot import analytics as an
from bot.analytics.wording import pct, step_key
from bot.core.access import team_person_ids
from bot.core.actor import Actor
from bot.core.clock import start_of_local_day, zone
from bot.core.config import BANTCC
from storage.db import Database
from storage.models import Account, Contact, Deal, DealReason, Person, Stage, Visit, VisitContact

VISIT_COLUMNS = (
    "visit_id",
    "occurred_at",
    "rep",
    "rep_name",
    "account",
    "channel",
    "purpose",
    "notes",
    "outcome",
    "next_step",
    "next_step_due_at",
    "contacts",
    "deal",
    "source",
)
DEAL_COLUMNS = (
    "deal_id",
    "account",
    "title",
    "owner",
    "owner_name",
    "stage",
    "stage_en",
    "stage_zh",
    "probability",
    "status",
    "amount",
    "currency",
    "expected_close",
    *BANTCC,
    "created_at",
    "stage_entered_at",
    "closed_at",
    "reasons",
    "lesson",
)
CONVERSION_COLUMNS = (
    "scope",
    "rep",
    "rep_name",
    "step",
    "reached",
    "went_on",
    "lost_there",
    "pending",
    "stalled",
    "rate",
    "decided_rate",
    "team_rate",
    "weakest",
)
CONVERSION_DAYS = 365
BATCH = 2_000


def safe(value: object) -> str:
    """A cell as text, neutralised against spreadsheet formula injection."""
    if value is None:
        return ""
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _when(value: datetime | None, tz: str) -> str:
    return value.astimezone(zone(tz)).isoformat(timespec="seconds") if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _scope(session: Session, team_id: str, actor: Actor | None) -> set[int] | None:
    return team_person_ids(session, actor) if actor is not None else None


def write_visits(
    session: Session, team_id: str, out: io.StringIO, *, people: set[int] | None, since: date | None, tz: str
) -> int:
    rep = aliased(Person)
    query = (
        select(Visit, rep.slack_user_id, rep.name, Account.name, Deal.title)
        .join(rep, rep.id == Visit.rep_id)
        .join(Account, Account.id == Visit.account_id)
        .outerjoin(Deal, Deal.id == Visit.deal_id)
        .where(Visit.team_id == team_id)
        .order_by(Visit.occurred_at, Visit.id)
    )
    if people is not None:
        query = query.where(Visit.rep_id.in_(people))
    if since is not None:
        query = query.where(Visit.occurred_at >= start_of_local_day(since, tz))
    writer = csv.writer(out)
    writer.writerow(VISIT_COLUMNS)
    rows = 0
    for chunk in session.execute(query.execution_options(yield_per=BATCH)).partitions():
        ids = [row[0].id for row in chunk]
        names: dict[int, list[str]] = defaultdict(list)
        for visit_id, name in session.execute(
            select(VisitContact.visit_id, Contact.name)
            .join(Contact, Contact.id == VisitContact.contact_id)
            .where(VisitContact.visit_id.in_(ids))
            .order_by(Contact.name)
        ):
            names[visit_id].append(name)
        for visit, user, rep_name, account, deal in chunk:
            writer.writerow(
                [
                    visit.id,
                    _when(visit.occurred_at, tz),
                    user,
                    safe(rep_name),
                    safe(account),
                    visit.channel,
                    safe(visit.purpose),
                    safe(visit.notes),
                    safe(visit.outcome),
                    safe(visit.next_step),
                    _when(visit.next_step_due_at, tz),
                    safe("; ".join(names.get(visit.id, []))),
                    safe(deal),
                    visit.source,
                ]
            )
            rows += 1
    return rows


def write_deals(
    session: Session, team_id: str, out: io.StringIO, *, people: set[int] | None, since: date | None, tz: str
) -> int:
    stages = {s.key: s for s in session.scalars(select(Stage).where(Stage.team_id == team_id))}
    query = (
        select(Deal, Account.name, Person.slack_user_id, Person.name)
        .join(Account, Account.id == Deal.account_id)
        .outerjoin(Person, Person.id == Deal.owner_id)
        .where(Deal.team_id == team_id)
        .order_by(Deal.id)
    )
    if people is not None:
        query = query.where(Deal.owner_id.in_(people))
    if since is not None:
        start = start_of_local_day(since, tz)
        query = query.where(or_(Deal.status == "open", Deal.closed_at >= start, Deal.created_at >= start))
    writer = csv.writer(out)
    writer.writerow(DEAL_COLUMNS)
    rows = 0
    for chunk in session.execute(query.execution_options(yield_per=BATCH)).partitions():
        reasons: dict[int, list[str]] = defaultdict(list)
        for deal_id, key in session.execute(
            select(DealReason.deal_id, DealReason.reason_key)
            .where(DealReason.deal_id.in_([row[0].id for row in chunk]))
            .order_by(DealReason.reason_key)
        ):
            reasons[deal_id].append(key)
        for deal, account, owner, owner_name in chunk:
            stage = stages.get(deal.stage_key)
            writer.writerow(
                [
                    deal.id,
                    safe(account),
                    safe(deal.title),
                    owner or "",
                    safe(owner_name),
                    deal.stage_key,
                    safe(stage.name_en) if stage else "",
                    safe(stage.name_zh) if stage else "",
                    f"{stage.probability:f}" if stage else "",
                    deal.status,
                    f"{deal.amount:f}" if deal.amount is not None else "",
                    deal.currency,
                    deal.expected_close.isoformat() if deal.expected_close else "",
                    *[_yes_no(getattr(deal, item)) for item in BANTCC],
                    _when(deal.created_at, tz),
                    _when(deal.stage_entered_at, tz),
                    _when(deal.closed_at, tz),
                    ";".join(reasons.get(deal.id, [])),
                    safe(deal.lesson),
                ]
            )
            rows += 1
    return rows


def write_conversion(
    session: Session,
    team_id: str,
    out: io.StringIO,
    *,
    people: set[int] | None,
    since: date | None,
    tz: str,
    now: datetime,
) -> int:
    """The team's steps, then each rep's, with the counts behind every rate."""
    start = start_of_local_day(since, tz) if since else now - timedelta(days=CONVERSION_DAYS)
    period = an.Period(min(start, now), now)
    compared = an.compare_reps(session, team_id, people, period, with_medians=False)
    who = {
        p.id: (p.slack_user_id, p.name or "")
        for p in session.scalars(select(Person).where(Person.id.in_(list(compared.reps))))
    }
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CONVERSION_COLUMNS)
    rows = 0

    def row(scope: str, user: str, name: str, step: an.StepRate, team: an.StepRate, weakest: bool) -> None:
        writer.writerow(
            [
                safe(v)
                for v in (
                    scope,
                    user,
                    name,
                    step_key("en", step),
                    step.entered,
                    step.advanced,
                    step.dropped,
                    step.pending,
                    step.stalled,
                    pct(step.rate),
                    pct(step.decided_rate),
                    pct(team.rate),
                    "yes" if weakest else "",
                )
            ]
        )

    for step in compared.team.steps:
        row("team", "", "", step, step, False)
        rows += 1
    ordered = sorted(compared.reps.items(), key=lambda item: (who.get(item[0], ("", ""))[1].casefold(), item[0]))
    for person_id, rep in ordered:
        user, name = who.get(person_id, ("", ""))
        for step, team in zip(rep.conversion.steps, compared.team.steps, strict=True):
            row("rep", user, name, step, team, step is rep.weakest)
            rows += 1
    return rows


def export_csv(
    db: Database,
    team_id: str,
    kind: str,
    *,
    actor: Actor | None = None,
    since: date | None = None,
    tz: str = "UTC",
    now: datetime | None = None,
) -> tuple[bytes, int]:
    """(the CSV file's bytes, its number of data rows). `now` ends the conversion period."""
    out = io.StringIO()
    out.write("\ufeff")
    with db.transaction() as session:
        people = _scope(session, team_id, actor)
        if kind == "conversion":
            if now is None:
                raise ValueError("the conversion export needs now")
            rows = write_conversion(session, team_id, out, people=people, since=since, tz=tz, now=now)
        elif kind in ("visits", "deals"):
            writer = write_visits if kind == "visits" else write_deals
            rows = writer(session, team_id, out, people=people, since=since, tz=tz)
        else:
            raise ValueError(kind)
    return out.getvalue().encode("utf-8"), rows

"""Speed to lead in the digests: per rep and for the team, over the leads received in a window,
the median time to first contact and the share contacted within the limit (by the due time
bot/leads/clock.py set, so nights and weekends do not count against anyone).

A lead still open whose due time has not come is not judged yet (it is neither within nor
late); a dropped lead ("not a fit") is left out of the share too, as nobody recorded when it
was judged. One query per digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.core.i18n import Lang, t
from storage.models import Deal, Lead


@dataclass
class LeadSpeed:
    received: int = 0
    judged: int = 0  # contacted, or open past its due time
    within: int = 0
    hours: list[float] = field(default_factory=list)  # received → first contact, contacted leads

    @property
    def median_hours(self) -> float | None:
        return median(self.hours) if self.hours else None

    @property
    def share_within(self) -> float | None:
        return self.within / self.judged if self.judged else None

    def add(self, received: datetime, due: datetime, contacted: datetime | None, status: str, now: datetime) -> None:
        self.received += 1
        if contacted is not None:
            self.judged += 1
            self.within += contacted <= due
            self.hours.append(max((contacted - received).total_seconds(), 0) / 3600)
        elif status == "open" and due <= now:
            self.judged += 1


@dataclass
class SpeedReport:
    team: LeadSpeed
    reps: dict[int, LeadSpeed]
    hours: float = 5  # the team's limit, in working hours


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def speed_to_lead(
    session: Session,
    team_id: str,
    rep_ids: Sequence[int],
    start: datetime,
    end: datetime,
    now: datetime,
    hours: float,
) -> SpeedReport:
    """The leads of `rep_ids` received in [start, end), as seen at `now`."""
    report = SpeedReport(LeadSpeed(), {}, hours)
    if not rep_ids:
        return report
    rows = session.execute(
        select(Lead.assignee_id, Lead.received_at, Lead.due_at, Lead.first_contact_at, Lead.status).where(
            Lead.team_id == team_id,
            Lead.assignee_id.in_(sorted(rep_ids)),
            Lead.received_at >= start,
            Lead.received_at < end,
        )
    )
    for assignee, received, due, contacted, status in rows:
        values = (_utc(received), _utc(due), _utc(contacted), status, now)
        report.team.add(*values)  # type: ignore[arg-type]
        report.reps.setdefault(int(assignee), LeadSpeed()).add(*values)  # type: ignore[arg-type]
    return report


def _line(lang: Lang, who: str, speed: LeadSpeed, hours: float) -> str:
    med = speed.median_hours
    share = speed.share_within
    return t(
        lang,
        "digests.leads.line",
        who=who,
        received=speed.received,
        median=f"{med:.1f}" if med is not None else "—",
        share=f"{share:.0%}" if share is not None else "—",
        within=speed.within,
        judged=speed.judged,
        hours=f"{hours:g}",
    )


def speed_lines(lang: Lang, report: SpeedReport | None, names: dict[int, str]) -> list[str]:
    """The team's line, then each rep who received leads; empty when nobody received any."""
    if report is None or not report.team.received:
        return []
    lines = [_line(lang, t(lang, "digests.leads.team"), report.team, report.hours)]
    for pid, speed in sorted(report.reps.items(), key=lambda item: names.get(item[0], "")):
        lines.append(_line(lang, names.get(pid, "?"), speed, report.hours))
    return lines


# ----- lead → deal → won, by source ----------------------------------------------------------------
@dataclass(frozen=True)
class SourceRow:
    source: str | None
    leads: int
    deals: int
    won: int


def by_source(
    session: Session, team_id: str, rep_ids: Sequence[int], start: datetime, end: datetime
) -> list[SourceRow]:
    """Leads of `rep_ids` received in [start, end) by source, with how many became deals and how
    many of those were won; most leads first. One grouped query."""
    if not rep_ids:
        return []
    won = func.sum(case((Deal.status == "won", 1), else_=0))
    rows = session.execute(
        select(Lead.source, func.count(Lead.id), func.count(Lead.deal_id), won)
        .outerjoin(Deal, Deal.id == Lead.deal_id)
        .where(
            Lead.team_id == team_id,
            Lead.assignee_id.in_(sorted(rep_ids)),
            Lead.received_at >= start,
            Lead.received_at < end,
        )
        .group_by(Lead.source)
    ).all()
    found = [SourceRow(source, int(leads), int(deals), int(wins or 0)) for source, leads, deals, wins in rows]
    return sorted(found, key=lambda r: (-r.leads, r.source or ""))


def source_lines(lang: Lang, rows: Sequence[SourceRow]) -> list[str]:
    def pct(part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "—"

    return [
        t(
            lang,
            "digests.leads.source_line",
            source=r.source or t(lang, "digests.leads.no_source"),
            leads=r.leads,
            deals=r.deals,
            deal_rate=pct(r.deals, r.leads),
            won=r.won,
            won_rate=pct(r.won, r.deals),
        )
        for r in rows
    ]

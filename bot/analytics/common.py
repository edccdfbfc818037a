"""What every analytics figure shares: the period it covers and the workspace's stages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.i18n import Lang
from storage.models import Stage

WON = "won"
LOST = "lost"
# Past every stage: a won deal has gone through the whole funnel, whichever stage it was won from.
WON_POSITION = 1_000_000


@dataclass(frozen=True, slots=True)
class Period:
    """The instants [start, end), both aware. Callers compute them from `services.clock`."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs aware datetimes")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def last_days(cls, now: datetime, days: int) -> Period:
        """The `days` days up to `now` (e.g. 365 for "over the last year")."""
        return cls(now - timedelta(days=days), now)


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage of the workspace's funnel as analytics needs it."""

    key: str
    name_en: str
    name_zh: str
    position: int
    probability: Decimal
    max_days: int | None
    is_active: bool = True

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def load_stages(session: Session, team_id: str, *, include_retired: bool = False) -> list[StageInfo]:
    """The workspace's stages in funnel order (retired ones only when asked: they still weigh
    the open deals left in them and name old history)."""
    query = select(Stage).where(Stage.team_id == team_id).order_by(Stage.position, Stage.id)
    if not include_retired:
        query = query.where(Stage.is_active.is_(True))
    return [
        StageInfo(
            key=s.key,
            name_en=s.name_en,
            name_zh=s.name_zh,
            position=s.position,
            probability=Decimal(str(s.probability)),
            max_days=s.max_days,
            is_active=s.is_active,
        )
        for s in session.scalars(query)
    ]


def positions(stages: Iterable[StageInfo]) -> dict[str, int]:
    """`{stage_key: position}` plus 'won' past every stage: what the funnel queries rank by."""
    mapping = {s.key: s.position for s in stages}
    mapping[WON] = WON_POSITION
    return mapping


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (never a misleading 0%)."""
    return part / whole if whole else None

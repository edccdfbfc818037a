"""What every analytics figure shares: the period it covers and the workspace's stages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Re-exported for the analytics modules: `bot.core.stages` holds the one definition.
from bot.core.stages import StageInfo as StageInfo
from bot.core.stages import load_stages as load_stages

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


def positions(stages: Iterable[StageInfo]) -> dict[str, int]:
    """`{stage_key: position}` plus 'won' past every stage: what the funnel queries rank by."""
    mapping = {s.key: s.position for s in stages}
    mapping[WON] = WON_POSITION
    return mapping


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (never a misleading 0%)."""
    return part / whole if whole else None

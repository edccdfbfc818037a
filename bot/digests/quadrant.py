"""The rep-type quadrant (docs/method.md §7): result (attainment) against process (activity).

|             | good process  | poor process      |
|-------------|---------------|-------------------|
| good result | excellent 优秀 | "smart" 聪明       |
| poor result | "diligent" 勤奋 | at risk 淘汰      |

The rule, stated in every digest that shows the quadrant:

* Result is good when the amount won so far in the rep's current target period is at least the
  share of the period already elapsed (on pace): 60% of the quarter gone needs 60% of the
  target won. A rep with no target for today has no result and is listed apart.
* Process is good when effective visits (purpose and next step) over the last 28 days reach
  at least 80% of the daily standard × the working days in those 28 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PROCESS_DAYS = 28
PROCESS_GOOD = 0.8  # share of the standard
QUADRANTS = ("excellent", "smart", "diligent", "at_risk")
NO_TARGET = "no_target"


@dataclass(frozen=True)
class Placement:
    """Where one rep sits, with the figures that put them there."""

    person_id: int
    name: str
    quadrant: str  # one of QUADRANTS, or NO_TARGET
    attainment: float | None  # won ÷ target
    pace: float | None  # share of the target period elapsed
    fullness: float | None  # effective visits ÷ (standard × working days)
    target_label: str = ""


def elapsed_share(start: date, end: date, today: date) -> float:
    """Share of [start, end] (inclusive) elapsed by the end of `today`."""
    total = (end - start).days + 1
    done = min(max((today - start).days + 1, 0), total)
    return done / total


def place(
    person_id: int,
    name: str,
    *,
    target: Decimal | None,
    won: Decimal,
    pace: float | None,
    effective_visits: int,
    standard: int,
    working_days: int,
    target_label: str = "",
) -> Placement:
    expected = standard * working_days
    fullness = effective_visits / expected if expected else None
    good_process = fullness is not None and fullness >= PROCESS_GOOD
    if not target or pace is None:
        return Placement(person_id, name, NO_TARGET, None, pace, fullness, target_label)
    attainment = float(won / target)
    good_result = attainment >= pace
    quadrant = (
        ("excellent" if good_process else "smart") if good_result else ("diligent" if good_process else "at_risk")
    )
    return Placement(person_id, name, quadrant, attainment, pace, fullness, target_label)

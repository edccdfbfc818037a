"""Stage-to-stage conversion from the stage history, and each rep against their team.

Two readings of the same history (every figure is over a period [start, end)):

* **The method's reading** (the default, DOMAIN.md section 4): of the deals that *reached*
  stage X during the period (open, won or lost), how many reached X+1 by the end. Step rate =
  reached X+1 ÷ reached X, always shown with its counts ("D→C 0 of 6"). A live pipeline, where
  most deals are open, reads as it is: six deals sitting in D are 0 of 6, not 100%.
* **The decided-only reading** (second, labelled "decided"): advanced ÷ (advanced + closed
  lost), leaving open deals out. Kept because it answers "of the deals we settled, how many
  went on"; it reads 100% on a pipeline nobody closes as lost.

Definitions:

* A deal's *high-water mark* is the furthest stage it had reached (by position; 'won' counts
  as past every stage, 'lost' as no stage). Back moves do not lower it; skipping a stage (S
  straight to D) passes through the skipped ones; moving back and forward again does not count
  the deal twice.
* A deal *reached* stage X during the period when a move in the period raised its mark from
  below X to X or beyond. Of those: *advanced* = its mark at the end is beyond X; *dropped* =
  not advanced and closed as lost; *pending* = not advanced, still open, and its last move was
  within the stage's time limit (`max_days`, or `PENDING_DAYS` = 30 days for a stage without
  one) before the end: young for the stage, it may still advance; *stalled* = the other open
  ones. Pending deals count in the rate (they have not reached X+1) and are shown beside it.
* *Credit* (per rep): a stage reached counts for the rep who owned the deal when the move
  that brought it there was made (`stage_changes.owner_id`), and whether it went on counts the
  moves made while that rep owned it. A handover moves the book, not its history: the old
  owner's figures stay as they were when the deals left them (a deal handed over in D and
  moved on by the new owner is not the old owner's D→C), and the new owner is credited with
  the stages the deals reach under them. The team's figures follow each deal whoever moved it.
* *Median days in stage*: over the stays in X that ended during the period (by a move forward,
  back, won or lost), in whole days from entering the stage to leaving it.
* *Closed deals* and the *small sample* flag: deals won or lost during the period (by their
  close date); below `WorkspaceConfig.small_sample_closed_deals` (20) the rates are flagged,
  because conversion rates only settle after 20–30 closed deals (docs/method.md section 4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.analytics.common import WON, Period, StageInfo, load_stages, positions, ratio
from bot.people.members import workspace_config
from storage.queries import funnel as q

# A step is compared with the team only with at least this many deals reached there ("enough
# deals"); below it one deal swings the rate by twenty points or more.
MIN_STEP_DEALS = 5
# ... except a total shortfall (none of at least this many deals went on, none of them
# pending, while the team's did): named even then, flagged as a small sample.
MIN_TOTAL_SHORTFALL = 3
# An open deal is pending (young for its stage) within the stage's `max_days`, or this many
# days for a stage without a limit.
PENDING_DAYS = 30
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class StepRate:
    """The step from `stage` to the next stage (`next_key`; 'won' after the last stage)."""

    stage: StageInfo
    next_key: str
    entered: int = 0  # reached the stage in the period
    advanced: int = 0  # of those, reached the next stage (or won) by the end
    dropped: int = 0  # closed lost without going on
    pending: int = 0  # open and young for the stage
    stalled: int = 0  # open and past the stage's time limit
    median_days: float | None = None

    @property
    def decided(self) -> int:
        return self.advanced + self.dropped

    @property
    def open(self) -> int:
        """Open deals that have not gone on yet (pending + stalled)."""
        return self.pending + self.stalled

    @property
    def rate(self) -> float | None:
        """The method's reading: reached the next stage ÷ reached this one (None: none reached)."""
        return ratio(self.advanced, self.entered)

    @property
    def decided_rate(self) -> float | None:
        """The decided-only reading: advanced ÷ (advanced + lost); None when nothing is decided."""
        return ratio(self.advanced, self.decided)


@dataclass(frozen=True, slots=True)
class Conversion:
    """The funnel's conversion over a period: one `StepRate` per active stage, in order."""

    period: Period
    steps: list[StepRate]
    won: int = 0
    lost: int = 0
    won_amount: Decimal = Decimal(0)
    lost_amount: Decimal = Decimal(0)
    small_sample_below: int = 20

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def small_sample(self) -> bool:
        """Fewer closed deals than the workspace's threshold: say the rates are not settled."""
        return self.closed < self.small_sample_below

    @property
    def win_rate(self) -> float | None:
        return ratio(self.won, self.closed)

    @property
    def average_won_amount(self) -> Decimal | None:
        return self.won_amount / self.won if self.won else None

    def step(self, stage_key: str) -> StepRate | None:
        return next((s for s in self.steps if s.stage.key == stage_key), None)


@dataclass(frozen=True, slots=True)
class RepConversion:
    """One rep's conversion beside the team's, with the rep's weakest step named.

    `weakest` is the rep's step with the largest shortfall against the team's rate at the same
    step (see `weakest_step` for the rule); None when the rep is at or above the team at every
    step with enough deals. The rep's steps carry no median days.
    """

    person_id: int
    conversion: Conversion
    weakest: StepRate | None = None
    team_rate_at_weakest: float | None = None

    @property
    def small_sample(self) -> bool:
        return self.conversion.small_sample

    @property
    def weakest_few(self) -> bool:
        """The weakest step rests on few deals (a total shortfall below `MIN_STEP_DEALS`, or a
        rep with fewer closed deals than the workspace's threshold): say the sample is small."""
        return self.weakest is not None and (self.weakest.entered < MIN_STEP_DEALS or self.small_sample)

    @property
    def shortfall(self) -> float | None:
        """Team rate minus the rep's rate at the weakest step (a positive fraction)."""
        if self.weakest is None or self.weakest.rate is None or self.team_rate_at_weakest is None:
            return None
        return self.team_rate_at_weakest - self.weakest.rate


@dataclass(frozen=True, slots=True)
class TeamConversion:
    """A team's conversion (everyone asked about, pooled) and each rep's against it."""

    team: Conversion
    reps: dict[int, RepConversion] = field(default_factory=dict)


def _median(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times)."""
    pairs = sorted(histogram)
    total = sum(n for _, n in pairs)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle one or two
    found: list[int] = []
    seen = 0
    for value, n in pairs:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return sum(found) / len(found)


def _steps(
    stages: list[StageInfo],
    rows: Iterable[q.EntryRow],
    medians: dict[str, float | None] | None = None,
    *,
    owners: bool = False,
) -> list[StepRate]:
    """Per-stage counts from entry rows: each deal's outcome as it stands (`owners=False`, the
    team's figures) or as it stood when it left the owner credited (`owners=True`, a rep's)."""
    counts = [[0, 0, 0, 0, 0] for _ in stages]
    for row in rows:
        low = float("-inf") if row.hw_before is None else row.hw_before
        standing = row.owner if owners else row.deal
        for i, stage in enumerate(stages):
            if not low < stage.position <= row.hw_after:
                continue
            c = counts[i]
            c[0] += row.deals
            if standing.hw > stage.position:
                c[1] += row.deals
            elif standing.lost:
                c[2] += row.deals
            elif standing.young:
                c[3] += row.deals
            else:
                c[4] += row.deals
    medians = medians or {}
    return [
        StepRate(
            stage=stage,
            next_key=stages[i + 1].key if i + 1 < len(stages) else WON,
            entered=c[0],
            advanced=c[1],
            dropped=c[2],
            pending=c[3],
            stalled=c[4],
            median_days=medians.get(stage.key),
        )
        for i, (stage, c) in enumerate(zip(stages, counts, strict=True))
    ]


def pending_days(stage: StageInfo) -> int:
    """How long an open deal stays pending (young) in `stage`: its limit, else `PENDING_DAYS`."""
    return stage.max_days or PENDING_DAYS


def _entries(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    stages: list[StageInfo],
    period: Period,
    *,
    by_owner: bool = False,
) -> list[q.EntryRow]:
    young = {s.position: pending_days(s) for s in stages}
    return q.entry_rows(
        session, team_id, person_ids, positions(stages), young, period.start, period.end, by_owner=by_owner
    )


def _medians(rows: Iterable[q.StayRow]) -> dict[str, float | None]:
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        histograms[row.stage_key].append((row.days, row.stays))
    return {key: _median(h) for key, h in histograms.items()}


def _stays(
    session: Session, team_id: str, person_ids: Collection[int] | None, stages: list[StageInfo], period: Period
) -> list[q.StayRow]:
    return q.stay_rows(session, team_id, person_ids, [s.key for s in stages], period.start, period.end)


def _closed(rows: Iterable[q.ClosedRow]) -> dict[str, tuple[int, Decimal]]:
    totals: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        n, amount = totals.get(row.status, (0, Decimal(0)))
        totals[row.status] = (n + row.deals, amount + row.amount)
    return totals


def _conversion(
    period: Period, steps: list[StepRate], closed: dict[str, tuple[int, Decimal]], threshold: int
) -> Conversion:
    won, won_amount = closed.get("won", (0, Decimal(0)))
    lost, lost_amount = closed.get("lost", (0, Decimal(0)))
    return Conversion(period, steps, won, lost, won_amount, lost_amount, threshold)


def conversion(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    period: Period,
    *,
    with_medians: bool = True,
) -> Conversion:
    """Stage-to-stage conversion, median days in stage and closed deals over `period` for the
    deals owned by `person_ids` (None: the whole workspace). Definitions: module docstring.
    `with_medians=False` leaves the median days out (None): they cost more than the rest."""
    stages = load_stages(session, team_id)
    threshold = workspace_config(session, team_id).small_sample_closed_deals
    rows = _entries(session, team_id, person_ids, stages, period)
    stays = _stays(session, team_id, person_ids, stages, period) if with_medians else []
    closed = q.closed_rows(session, team_id, person_ids, period.start, period.end)
    return _conversion(period, _steps(stages, rows, _medians(stays)), _closed(closed), threshold)


def weakest_step(
    rep_steps: list[StepRate],
    team_steps: list[StepRate],
    *,
    min_deals: int = MIN_STEP_DEALS,
    min_total: int = MIN_TOTAL_SHORTFALL,
) -> tuple[StepRate | None, float | None]:
    """The rep's weakest step and the team's rate there (the method's reading).

    Rule: the step where the rep is furthest below the team (team rate minus rep rate, in
    points), among the steps with enough deals: at least `min_deals` that reached it and are
    not pending (young deals have not had their chance yet); a step with fewer is still a
    candidate when its shortfall is total: none of its deals went on, at least `min_total` of
    them are not pending (lost or stalled), and the team's did go on
    ("D→C 0 of 6"; `RepConversion.weakest_few` then flags the small sample). Steps where the
    rep is at or above the team are never named. A tie goes to the earlier step: a leak
    upstream starves every later step. Nothing qualifies → (None, None).
    """
    best: tuple[StepRate, float, float] | None = None
    for mine, team in zip(rep_steps, team_steps, strict=True):
        if mine.rate is None or team.rate is None:
            continue
        judged = mine.entered - mine.pending  # deals that have had their time in the stage
        total = mine.advanced == 0 and judged >= min_total
        if judged < min_deals and not total:
            continue
        gap = team.rate - mine.rate
        if gap <= _EPSILON:
            continue
        if best is None or gap > best[1] + _EPSILON:
            best = (mine, gap, team.rate)
    return (best[0], best[2]) if best else (None, None)


def compare_reps(
    session: Session,
    team_id: str,
    person_ids: Collection[int] | None,
    period: Period,
    *,
    reps: Collection[int] | None = None,
    with_medians: bool = True,
) -> TeamConversion:
    """Each rep's conversion against the team's over `period`.

    The team is everyone in `person_ids` (None: the workspace) pooled together: its rate at a
    step is all its deals that went on over all its deals that reached the step (not an average of the reps'
    rates, so a rep with two deals does not weigh like one with two hundred). `reps` picks
    whose rows to return (default: every id in `person_ids`, or every owner found). One query
    per figure for the whole team, whatever its size. `with_medians=False` skips the team's
    median days in stage (the costliest figure) for views that do not show them.
    """
    stages = load_stages(session, team_id)
    threshold = workspace_config(session, team_id).small_sample_closed_deals
    progress = _entries(session, team_id, person_ids, stages, period, by_owner=True)
    stays = _stays(session, team_id, person_ids, stages, period) if with_medians else []
    closed = q.closed_rows(session, team_id, person_ids, period.start, period.end, by_owner=True)
    team = _conversion(period, _steps(stages, progress, _medians(stays)), _closed(closed), threshold)

    progress_by_owner: dict[int, list[q.EntryRow]] = defaultdict(list)
    for row in progress:
        if row.owner_id is not None:
            progress_by_owner[row.owner_id].append(row)
    closed_by_owner: dict[int, list[q.ClosedRow]] = defaultdict(list)
    for closed_row in closed:
        if closed_row.owner_id is not None:
            closed_by_owner[closed_row.owner_id].append(closed_row)
    wanted = reps if reps is not None else person_ids
    if wanted is None:
        wanted = set(progress_by_owner) | set(closed_by_owner)
    result: dict[int, RepConversion] = {}
    for person_id in sorted(wanted):
        steps = _steps(stages, progress_by_owner.get(person_id, []), owners=True)
        mine = _conversion(period, steps, _closed(closed_by_owner.get(person_id, [])), threshold)
        weakest, team_rate = weakest_step(mine.steps, team.steps)
        result[person_id] = RepConversion(person_id, mine, weakest, team_rate)
    return TeamConversion(team, result)

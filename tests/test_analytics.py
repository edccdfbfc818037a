"""The funnel analytics on hand-built funnels with known answers (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bot import analytics as an
from bot.analytics.conversion import StepRate
from bot.core.config import WorkspaceConfig
from bot.settings.holidays import add_holiday
from storage.db import Database
from storage.models import Workspace
from tests.conftest import START, TEAM
from tests.funnel_data import Funnel, day

YEAR = an.Period.last_days(START, 365)


def _counts(step: an.StepRate) -> tuple[int, int, int, int]:
    """Reached, went on, lost there, still open (pending or stalled)."""
    return (step.entered, step.advanced, step.dropped, step.open)


def test_conversion_per_step_with_back_moves_skips_and_open_deals(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        f.deal(ann, [(-300, "S"), (-290, "P"), (-270, "A"), (-250, "won")])  # won from A: passes D, C, O
        f.deal(ann, [(-200, "S"), (-195, "lost")])
        f.deal(ann, [(-100, "S"), (-90, "P")])  # open in P
        f.deal(ann, [(-80, "S"), (-70, "P"), (-60, "A"), (-40, "D"), (-30, "A")])  # back move, open
        f.deal(ann, [(-50, "S"), (-45, "D"), (-10, "lost")])  # skips P and A, lost in D
        f.deal(ann, [(-400, "S"), (-100, "P"), (-20, "lost")])  # created before the period
        f.deal(ann, [(-500, "S"), (-450, "P"), (-400, "lost")])  # entirely before the period
    with db.transaction() as session:
        result = an.conversion(session, TEAM, {ann.id}, YEAR)
        quick = an.conversion(session, TEAM, {ann.id}, YEAR, with_medians=False)
    assert [_counts(s) for s in quick.steps] == [_counts(s) for s in result.steps]
    assert all(s.median_days is None for s in quick.steps)
    steps = {s.stage.key: s for s in result.steps}
    assert [s.stage.key for s in result.steps] == ["S", "P", "A", "D", "C", "O"]
    assert [s.next_key for s in result.steps] == ["P", "A", "D", "C", "O", "won"]
    assert _counts(steps["S"]) == (5, 4, 1, 0)
    assert _counts(steps["P"]) == (5, 3, 1, 1)
    assert _counts(steps["A"]) == (3, 3, 0, 0)
    assert _counts(steps["D"]) == (3, 1, 1, 1)
    assert _counts(steps["C"]) == (1, 1, 0, 0)
    assert steps["S"].rate == pytest.approx(4 / 5)
    # The method's reading counts the open deals (P: 3 of 5); the decided reading leaves them out.
    assert steps["P"].rate == pytest.approx(3 / 5) and steps["P"].decided_rate == pytest.approx(3 / 4)
    assert steps["D"].rate == pytest.approx(1 / 3) and steps["D"].decided_rate == pytest.approx(1 / 2)
    # Open for 90 days in P (no limit: 30 days) is stalled; back in A for 30 days of D's 45: pending.
    assert (steps["P"].pending, steps["P"].stalled) == (0, 1)
    assert (steps["D"].pending, steps["D"].stalled) == (1, 0)
    # Stays that ended in the period: S 10,5,10,10,5,300; P 20,10,80; A 20,20; D 10,35.
    assert steps["S"].median_days == 10
    assert steps["P"].median_days == 20
    assert steps["A"].median_days == 20
    assert steps["D"].median_days == 22.5
    assert steps["C"].median_days is None
    assert (result.won, result.lost, result.closed) == (1, 3, 4)
    assert result.small_sample
    assert result.win_rate == pytest.approx(1 / 4)


def test_a_period_that_ended_ignores_what_came_after(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        f.deal(ann, [(-100, "S"), (-60, "P"), (-10, "A")])
        f.deal(ann, [(-90, "S"), (-5, "lost")])
    with db.transaction() as session:
        result = an.conversion(session, TEAM, {ann.id}, an.Period(day(-120), day(-30)))
    s, p = result.steps[0], result.steps[1]
    assert _counts(s) == (2, 1, 0, 1)
    assert _counts(p) == (1, 0, 0, 1)
    assert result.closed == 0


def test_conversion_scope_is_the_people_asked_about(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann, bo = f.person("UANN"), f.person("UBO")
        f.deal(ann, [(-10, "S"), (-5, "P")])
        f.deal(bo, [(-10, "S"), (-5, "lost")])
    with db.transaction() as session:
        mine = an.conversion(session, TEAM, {ann.id}, YEAR).steps[0]
        theirs = an.conversion(session, TEAM, {bo.id}, YEAR).steps[0]
        everyone = an.conversion(session, TEAM, None, YEAR).steps[0]
        nobody = an.conversion(session, TEAM, set(), YEAR).steps[0]
    assert _counts(mine) == (1, 1, 0, 0)
    assert _counts(theirs) == (1, 0, 1, 0)
    assert _counts(everyone) == (2, 1, 1, 0)
    assert _counts(nobody) == (0, 0, 0, 0) and nobody.rate is None


def test_small_sample_flag_follows_the_workspace_threshold(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        for i in range(19):
            f.deal(ann, [(-50 - i, "S"), (-10, "lost")])
    with db.transaction() as session:
        assert an.conversion(session, TEAM, {ann.id}, YEAR).small_sample
    with db.transaction() as session:
        Funnel(session).deal(ann, [(-40, "S"), (-3, "won")])
    with db.transaction() as session:
        result = an.conversion(session, TEAM, {ann.id}, YEAR)
        assert (result.closed, result.small_sample) == (20, False)
        workspace = session.get(Workspace, TEAM)
        assert workspace is not None
        # No setting changes this threshold (it is configuration only): written directly.
        workspace.config = WorkspaceConfig(small_sample_closed_deals=21).dump()
    with db.transaction() as session:
        assert an.conversion(session, TEAM, {ann.id}, YEAR).small_sample


def test_each_rep_against_the_team_names_the_weakest_step(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        xia, yu, zoe = f.person("UXIA"), f.person("UYU"), f.person("UZOE")
        for i in range(6):
            f.deal(xia, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "won")])
        for i in range(4):
            f.deal(xia, [(-100 - i, "S"), (-90, "lost")])
        for i in range(3):
            f.deal(yu, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "won")])
        for i in range(5):
            f.deal(yu, [(-100 - i, "S"), (-90, "P"), (-80, "lost")])
        for i in range(2):
            f.deal(zoe, [(-100 - i, "S"), (-90, "lost")])
    with db.transaction() as session:
        result = an.compare_reps(session, TEAM, {xia.id, yu.id, zoe.id}, YEAR)
    team = {s.stage.key: s for s in result.team.steps}
    assert team["S"].rate == pytest.approx(14 / 20)
    assert team["P"].rate == pytest.approx(9 / 14)
    x, y, z = result.reps[xia.id], result.reps[yu.id], result.reps[zoe.id]
    assert x.conversion.step("S").rate == pytest.approx(0.6)  # type: ignore[union-attr]
    assert x.weakest is not None and x.weakest.stage.key == "S"
    assert x.shortfall == pytest.approx(0.7 - 0.6)
    assert y.weakest is not None and y.weakest.stage.key == "P"
    assert y.team_rate_at_weakest == pytest.approx(9 / 14)
    assert y.shortfall == pytest.approx(9 / 14 - 3 / 8)
    # Zoe is at 0% on S but has only 2 deals there: too few to name a weakest step.
    assert z.conversion.step("S").rate == 0  # type: ignore[union-attr]
    assert z.weakest is None and z.small_sample
    assert (x.conversion.won, x.conversion.lost) == (6, 4)
    assert result.team.closed == 20 and not result.team.small_sample


def test_weakest_step_ties_go_upstream_and_reps_above_the_team_have_none() -> None:
    stage = an.StageInfo("S", "S", "S", 0, Decimal("0.1"), None)
    later = an.StageInfo("P", "P", "P", 1, Decimal("0.2"), None)

    def step(s: an.StageInfo, advanced: int, dropped: int) -> StepRate:
        return StepRate(s, "x", advanced + dropped, advanced, dropped)

    team = [step(stage, 8, 2), step(later, 8, 2)]
    tied = [step(stage, 5, 5), step(later, 5, 5)]
    weakest, rate = an.weakest_step(tied, team)
    assert weakest is not None and weakest.stage.key == "S" and rate == pytest.approx(0.8)
    better = [step(stage, 10, 0), step(later, 9, 1)]
    assert an.weakest_step(better, team) == (None, None)
    few = [step(stage, 1, 3), step(later, 5, 5)]  # 1 of 4: too few deals to compare
    weakest, _ = an.weakest_step(few, team)
    assert weakest is not None and weakest.stage.key == "P"
    total = [step(stage, 0, 3), step(later, 5, 5)]  # 0 of 3 while the team converts: named anyway
    weakest, _ = an.weakest_step(total, team)
    assert weakest is not None and weakest.stage.key == "S"
    young = [StepRate(stage, "x", 3, 0, 0, pending=3), step(later, 5, 5)]  # 0 of 3, all still young
    weakest, _ = an.weakest_step(young, team)
    assert weakest is not None and weakest.stage.key == "P"


def test_open_pipeline_counts_amounts_and_weights_by_stage(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann, bo = f.person("UANN"), f.person("UBO")
        f.deal(ann, [(-10, "S")], amount=100_000)
        f.deal(ann, [(-10, "S")], amount=50_000)
        f.deal(ann, [(-10, "S"), (-5, "D")], amount=200_000)
        f.deal(ann, [(-10, "S"), (-5, "C")], amount=None)
        f.deal(ann, [(-10, "S"), (-5, "won")], amount=999_000)
        f.deal(bo, [(-10, "S"), (-5, "D")], amount=10_000)
    with db.transaction() as session:
        mine = an.open_pipeline(session, TEAM, {ann.id})
        everyone = an.open_pipeline(session, TEAM, None)
        by_owner = an.open_pipeline_by_owner(session, TEAM, None)
    stages = {s.stage.key: s for s in mine.stages}
    assert [s.stage.key for s in mine.stages] == ["S", "P", "A", "D", "C", "O"]
    assert (stages["S"].deals, stages["S"].amount, stages["S"].weighted) == (2, 150_000, Decimal("7500"))
    assert (stages["D"].deals, stages["D"].amount, stages["D"].weighted) == (1, 200_000, 100_000)
    assert (stages["C"].deals, stages["C"].amount) == (1, 0)
    assert stages["P"].deals == 0
    assert (mine.deals, mine.amount, mine.weighted) == (4, 350_000, Decimal("107500"))
    assert (everyone.deals, everyone.amount) == (5, 360_000)
    assert by_owner[bo.id].deals == 1 and by_owner[ann.id].weighted == mine.weighted


def test_weighted_forecast_by_expected_close_month(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        f.deal(ann, [(-10, "S"), (-5, "D")], amount=200_000, close=date(2026, 12, 20))
        f.deal(ann, [(-10, "S")], amount=100_000, close=date(2026, 12, 1))
        f.deal(ann, [(-10, "S")], amount=50_000, close=date(2027, 1, 31))
        f.deal(ann, [(-10, "S"), (-5, "C")], amount=10_000)
        f.deal(ann, [(-10, "S"), (-5, "lost")], amount=70_000, close=date(2026, 12, 5))
    with db.transaction() as session:
        months = an.forecast_by_month(session, TEAM, {ann.id})
    assert [(m.month, m.deals, m.amount, m.weighted) for m in months] == [
        (date(2026, 12, 1), 2, 300_000, Decimal("105000")),
        (date(2027, 1, 1), 1, 50_000, Decimal("2500")),
        (None, 1, 10_000, Decimal("8000")),
    ]


def test_stale_deals_are_past_their_stages_limit_most_overdue_first(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann, bo = f.person("UANN"), f.person("UBO")
        close = f.deal(ann, [(-40, "S"), (-31, "C")], title="Close one")  # C: 30 days → 1 over
        f.deal(ann, [(-50, "S"), (-44, "D")])  # D: 45 days → not yet
        analysis = f.deal(ann, [(-150, "S"), (-100, "A")], title="Analysis one")  # A: 60 → 40 over
        f.deal(ann, [(-500, "S")])  # S has no limit
        f.deal(ann, [(-200, "S"), (-150, "A"), (-100, "lost")])  # closed
        f.deal(bo, [(-200, "S"), (-150, "A")])  # someone else's
    with db.transaction() as session:
        stale = an.stale_deals(session, TEAM, {ann.id}, START)
        first = an.stale_deals(session, TEAM, {ann.id}, START, limit=1)
        everyone = an.stale_deals(session, TEAM, None, START)
    assert stale.total == 2
    assert [d.deal_id for d in stale.deals] == [analysis.id, close.id]
    assert [(d.days_in_stage, d.days_over) for d in stale.deals] == [(100, 40), (31, 1)]
    assert stale.deals[0].account_name == "Ricoh" and stale.deals[0].stage.key == "A"
    assert first.total == 2 and [d.deal_id for d in first.deals] == [analysis.id]
    assert everyone.total == 3


def test_win_loss_by_reason_over_a_period(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        f.deal(ann, [(-50, "S"), (-10, "lost")], amount=100_000, reasons=("price",))
        f.deal(ann, [(-50, "S"), (-12, "lost")], amount=50_000, reasons=("price", "dm_absent"))
        f.deal(ann, [(-50, "S"), (-14, "lost")], amount=30_000, reasons=("no_need",))
        f.deal(ann, [(-50, "S"), (-20, "won")], amount=80_000, reasons=("dm_relationship",))
        f.deal(ann, [(-500, "S"), (-400, "lost")], amount=1_000, reasons=("price",))
    with db.transaction() as session:
        result = an.win_loss(session, TEAM, {ann.id}, an.Period.last_days(START, 90))
    assert (result.won, result.won_amount, result.lost, result.lost_amount) == (1, 80_000, 3, 180_000)
    assert [(r.reason_key, r.deals, r.amount) for r in result.lost_reasons] == [
        ("price", 2, 150_000),
        ("dm_absent", 1, 50_000),
        ("no_need", 1, 30_000),  # the app asks a reason for every loss
    ]
    assert [(r.reason_key, r.deals) for r in result.won_reasons] == [("dm_relationship", 1)]


def test_reverse_funnel_from_quota_to_visits_per_day() -> None:
    rates = [("greetings", Fraction(40, 120)), ("conversations", Fraction(6, 40)), ("proposals", Fraction(1, 6))]
    result = an.reverse_funnel(500_000, 100_000, rates, working_days=20)
    assert result.deals_needed == 5
    assert [(s.stage_key, s.entries) for s in result.stages] == [
        ("greetings", 600),
        ("conversations", 200),
        ("proposals", 30),
    ]
    assert (result.visits_needed, result.visits_per_day) == (600, 30)
    as_floats = an.reverse_funnel(450_000, 100_000, [(k, float(r)) for k, r in rates], working_days=21)
    assert [s.entries for s in as_floats.stages] == [600, 200, 30]  # 4.5 deals round up to 5
    assert as_floats.visits_per_day == pytest.approx(600 / 21)
    unknown = an.reverse_funnel(500_000, 100_000, [("a", 0.5), ("b", None), ("c", 0.5)], working_days=20)
    assert unknown.missing_rate == "b" and [s.stage_key for s in unknown.stages] == ["c"]
    assert unknown.visits_needed is None


def test_reverse_funnel_from_measured_rates(db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN")
        for i in range(2):
            f.deal(ann, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "D"), (-60, "C"), (-50, "won")], amount=60_000)
        for i in range(2):
            f.deal(ann, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "D"), (-60, "lost")], amount=10)
        for i in range(4):
            f.deal(ann, [(-100 - i, "S"), (-90, "lost")])
        add_holiday(session, f.admin(), date(2026, 12, 25), "Xmas", START)
    with db.transaction() as session:
        measured = an.conversion(session, TEAM, {ann.id}, YEAR)
        days = an.working_days(session, TEAM, date(2026, 12, 1), date(2027, 1, 1))
    assert days == 22  # 23 weekdays in December 2026, less Christmas
    result = an.reverse_funnel_from(measured, 300_000, working_days=days)
    assert result is not None
    # Average won 60k → 5 deals; D→C 1/2 → 10 in D; S→P 1/2 → 20 in S.
    assert result.deals_needed == 5
    assert [(s.stage_key, s.entries) for s in result.stages] == [
        ("S", 20),
        ("P", 10),
        ("A", 10),
        ("D", 10),
        ("C", 5),
        ("O", 5),
    ]
    assert result.visits_per_day == pytest.approx(20 / 22)


def test_working_days_skip_weekends_and_holidays() -> None:
    assert an.count_working_days(date(2026, 11, 1), date(2026, 12, 1), range(5)) == 21
    assert an.count_working_days(date(2026, 11, 1), date(2026, 12, 1), range(5), [date(2026, 11, 2)]) == 20
    assert an.count_working_days(date(2026, 11, 1), date(2026, 12, 1), range(6)) == 25

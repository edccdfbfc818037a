"""Coaching on a live pipeline (issue 16): most deals open, few closed as lost.

A five-rep team over the year up to START, deals sitting at known stages with their history
(days before START; stage limits: A 60 days, D 45, C 30, others 30 by the pending rule):

* Ann: 6 deals S→P→A→D (the last move 70 days ago), none beyond: D→C 0 of 6, stalled.
* Bo: 7 deals to C 80 days ago; one went on to O 60 days ago: C→O 1 of 7.
* Cai: 4 deals won through O; 2 lost in A; 2 moved to P 10 days ago (pending).
* Dee: 3 deals created 5 days ago (pending in S); 2 in P for 90 days (stalled).
* Eve: 5 lost in S; 5 moved to A 20 days ago (pending in A).

The old decided-only reading said 100% at every step for Ann and Bo; the method's reading
gives the counts below, and names each rep's weakest step.
"""

from __future__ import annotations

import pytest

from bot import analytics as an
from bot.deals.handover import do_handover
from bot.deals.ops import do_move_deal
from bot.people.members import actor_for
from storage.db import Database
from storage.models import Deal, Person
from tests.conftest import START, TEAM
from tests.funnel_data import Funnel, day

YEAR = an.Period.last_days(START, 365)
Counts = tuple[int, int, int, int, int]  # reached, went on, lost there, pending, stalled


def _counts(conversion: an.Conversion) -> dict[str, Counts]:
    return {s.stage.key: (s.entered, s.advanced, s.dropped, s.pending, s.stalled) for s in conversion.steps}


def _team(f: Funnel) -> dict[str, Person]:
    manager = f.person("UMGR", "Mia", role="manager")
    people = {name: f.person(f"U{name.upper()}", name, manager=manager) for name in ("Ann", "Bo", "Cai", "Dee", "Eve")}
    people["Mia"] = manager
    ann, bo, cai, dee, eve = (people[n] for n in ("Ann", "Bo", "Cai", "Dee", "Eve"))
    for i in range(6):
        f.deal(ann, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "D")], title=f"Ann {i}")
    for i in range(7):
        history = [(-120 - i, "S"), (-110, "P"), (-100, "A"), (-90, "D"), (-80, "C")]
        f.deal(bo, [*history, (-60, "O")] if i == 0 else history, title=f"Bo {i}")
    for i in range(4):
        f.deal(cai, [(-200 - i, "S"), (-190, "P"), (-180, "A"), (-170, "D"), (-160, "C"), (-150, "O"), (-140, "won")])
    for i in range(2):
        f.deal(cai, [(-200 - i, "S"), (-190, "P"), (-180, "A"), (-150, "lost")], reasons=("price",))
        f.deal(cai, [(-20 - i, "S"), (-10, "P")])
    for i in range(3):
        f.deal(dee, [(-5 - i / 10, "S")])
    for i in range(2):
        f.deal(dee, [(-100 - i, "S"), (-90, "P")])
    for i in range(5):
        f.deal(eve, [(-50 - i, "S"), (-40, "lost")], reasons=("no_need",))
        f.deal(eve, [(-60 - i, "S"), (-40, "P"), (-20, "A")])
    return people


@pytest.fixture
def people(db: Database) -> dict[str, Person]:
    with db.transaction() as session:
        return _team(Funnel(session))


def _compare(db: Database, people: dict[str, Person], period: an.Period = YEAR) -> an.TeamConversion:
    ids = {p.id for name, p in people.items() if name != "Mia"}
    with db.transaction() as session:
        return an.compare_reps(session, TEAM, ids, period, reps=ids, with_medians=False)


def test_each_reps_steps_weakest_step_and_the_team(db: Database, people: dict[str, Person]) -> None:
    result = _compare(db, people)
    reps = {name: result.reps[p.id] for name, p in people.items() if name != "Mia"}
    zero = (0, 0, 0, 0, 0)
    assert _counts(reps["Ann"].conversion) == {
        "S": (6, 6, 0, 0, 0),
        "P": (6, 6, 0, 0, 0),
        "A": (6, 6, 0, 0, 0),
        "D": (6, 0, 0, 0, 6),
        "C": zero,
        "O": zero,
    }
    assert _counts(reps["Bo"].conversion) == {
        "S": (7, 7, 0, 0, 0),
        "P": (7, 7, 0, 0, 0),
        "A": (7, 7, 0, 0, 0),
        "D": (7, 7, 0, 0, 0),
        "C": (7, 1, 0, 0, 6),
        "O": (1, 0, 0, 0, 1),
    }
    assert _counts(reps["Cai"].conversion) == {
        "S": (8, 8, 0, 0, 0),
        "P": (8, 6, 0, 2, 0),
        "A": (6, 4, 2, 0, 0),
        "D": (4, 4, 0, 0, 0),
        "C": (4, 4, 0, 0, 0),
        "O": (4, 4, 0, 0, 0),
    }
    assert _counts(reps["Dee"].conversion) == {
        "S": (5, 2, 0, 3, 0),
        "P": (2, 0, 0, 0, 2),
        "A": zero,
        "D": zero,
        "C": zero,
        "O": zero,
    }
    assert _counts(reps["Eve"].conversion) == {
        "S": (10, 5, 5, 0, 0),
        "P": (5, 5, 0, 0, 0),
        "A": (5, 0, 0, 5, 0),
        "D": zero,
        "C": zero,
        "O": zero,
    }
    team = result.team.steps
    assert [(s.entered, s.advanced) for s in team] == [(36, 28), (28, 24), (24, 17), (17, 11), (11, 5), (5, 4)]
    assert [s.rate for s in team] == pytest.approx([28 / 36, 24 / 28, 17 / 24, 11 / 17, 5 / 11, 4 / 5])

    ann = reps["Ann"]
    assert ann.weakest is not None and ann.weakest.stage.key == "D" and ann.weakest.next_key == "C"
    assert (ann.weakest.advanced, ann.weakest.entered) == (0, 6)  # "D→C 0 of 6"
    assert ann.team_rate_at_weakest == pytest.approx(11 / 17) and ann.weakest_few  # no deal closed yet
    bo = reps["Bo"]
    assert bo.weakest is not None and bo.weakest.stage.key == "C"
    assert bo.shortfall == pytest.approx(5 / 11 - 1 / 7)
    cai = reps["Cai"]  # P 6 of 8 (2 pending) is further below the team than A 4 of 6
    assert cai.weakest is not None and cai.weakest.stage.key == "P"
    assert cai.shortfall == pytest.approx(24 / 28 - 6 / 8)
    # Dee's S shortfall rests on 3 deals five days old, and P is 0 of 2: not enough to name.
    assert reps["Dee"].weakest is None
    # Eve's A is 0 of 5, but all five are young there: her weakest is S (5 of 10 lost).
    eve = reps["Eve"]
    assert eve.weakest is not None and eve.weakest.stage.key == "S"
    assert eve.conversion.step("A").rate == 0  # type: ignore[union-attr]

    # The decided-only reading, still there and labelled: Ann and Bo read 100% on every
    # step that has anything decided, which is why it is no longer the default.
    assert [s.decided_rate for s in ann.conversion.steps] == [1.0, 1.0, 1.0, None, None, None]
    assert [s.decided_rate for s in bo.conversion.steps][:5] == [1.0] * 5  # C: 1 of 1 decided


def test_the_same_figures_for_one_rep_and_for_the_team_alone(db: Database, people: dict[str, Person]) -> None:
    """`conversion` (App Home's, /pipeline's and the exports' call) and `compare_reps` agree."""
    result = _compare(db, people)
    ids = {p.id for name, p in people.items() if name != "Mia"}
    with db.transaction() as session:
        ann = an.conversion(session, TEAM, {people["Ann"].id}, YEAR, with_medians=False)
        team = an.conversion(session, TEAM, ids, YEAR, with_medians=False)
        workspace = an.conversion(session, TEAM, None, YEAR, with_medians=False)
    assert _counts(ann) == _counts(result.reps[people["Ann"].id].conversion)
    assert _counts(team) == _counts(result.team)
    assert _counts(workspace) == _counts(team)  # the workspace's own query: the same deals here


def test_a_handover_moves_the_book_not_the_history(db: Database, people: dict[str, Person]) -> None:
    """Ann leaves: her six deals in D go to Bo, who moves three on to C. Ann's figures for the
    year stay what she earned; Bo's past figures do not change at the handover, and he is
    credited with the three deals he brought to C; the team follows the deals."""
    before = _compare(db, people)
    manager = actor_for(people["Mia"])
    do_handover(db, manager, people["Ann"].id, people["Bo"].id, day(1))
    after_handover = _compare(db, people)
    for name in ("Ann", "Bo"):
        pid = people[name].id
        assert _counts(after_handover.reps[pid].conversion) == _counts(before.reps[pid].conversion), name
    assert _counts(after_handover.team) == _counts(before.team)
    ann_weakest = after_handover.reps[people["Ann"].id].weakest
    assert ann_weakest is not None and ann_weakest.stage.key == "D"

    with db.transaction() as session:
        handed = [d.id for d in session.query(Deal).filter(Deal.title.like("Ann %")).order_by(Deal.id)]
    bo = actor_for(people["Bo"])
    for deal_id in handed[:3]:
        do_move_deal(db, bo, deal_id, "C", day(2), override=True)
    later = an.Period(YEAR.start, day(3))
    moved = _compare(db, people, later)
    ann = moved.reps[people["Ann"].id]
    assert _counts(ann.conversion)["D"] == (6, 0, 0, 0, 6)  # her D→C stays 0 of 6
    bo_c = _counts(moved.reps[people["Bo"].id].conversion)["C"]
    assert bo_c == (10, 1, 0, 3, 6)  # his own 7, plus the 3 he brought to C (pending there)
    team_d = moved.team.step("D")
    assert team_d is not None and (team_d.entered, team_d.advanced) == (17, 14)  # the deals went on


def test_the_conversion_export_has_the_same_figures(db: Database, people: dict[str, Person]) -> None:
    """`pipeline-coach export conversion` / `/coach export conversion`: the team's steps, then
    each rep's, with the counts behind every rate, worded as everywhere else."""
    import csv
    import io

    from bot.csv_io.exporter import export_csv

    content, rows = export_csv(db, TEAM, "conversion", now=START)
    table = list(csv.DictReader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))
    assert rows == len(table) == 6 * 6  # the team, then the five reps
    team_dc = next(r for r in table if r["scope"] == "team" and r["step"] == "D→C")
    assert (team_dc["reached"], team_dc["went_on"], team_dc["rate"]) == ("17", "11", "65%")
    ann_dc = next(r for r in table if r["rep_name"] == "Ann" and r["step"] == "D→C")
    assert (ann_dc["rep"], ann_dc["reached"], ann_dc["went_on"], ann_dc["stalled"]) == ("UANN", "6", "0", "6")
    assert (ann_dc["rate"], ann_dc["decided_rate"], ann_dc["team_rate"], ann_dc["weakest"]) == ("0%", "—", "65%", "yes")
    eve_a = next(r for r in table if r["rep_name"] == "Eve" and r["step"] == "A→D")
    assert (eve_a["reached"], eve_a["pending"], eve_a["weakest"]) == ("5", "5", "")
    assert [r["rep_name"] for r in table if r["step"] == "S→P"] == ["", "Ann", "Bo", "Cai", "Dee", "Eve"]


def test_the_rows_read_with_their_counts_in_both_languages(db: Database, people: dict[str, Person]) -> None:
    """What App Home and `/pipeline` print for Ann (the digest rows use the same wording)."""
    from bot.analytics.pipeline_view import conversion_lines, weakest_line
    from bot.digests.render import _conversion_line

    result = _compare(db, people)
    ann = result.reps[people["Ann"].id]
    en = conversion_lines("en", ann.conversion, result.team)
    assert "D→C Demo / proposal → Close: *0%* (0 of 6) · team 65%" in en
    assert weakest_line("en", ann) == (
        "Weakest step: *D→C Demo / proposal → Close*, 0 of 6 (0%) against the team's 65%. "
        "Few deals there: read it as a hint, not a verdict."
    )
    zh = weakest_line("zh", ann)
    assert zh.startswith("最薄弱的环节：*D→C 演示/提案 → 争取签单*，6 个中 0 个（0%），团队为 65%。")
    cai = conversion_lines("en", result.reps[people["Cai"].id].conversion)
    assert "P→A Prospect → Analysis: *75%* (6 of 8, 2 pending) · decided only 100%" in cai

    class Row:  # the digest's per-rep row needs only a name and the comparison
        name = "Ann"
        conversion = ann

    row = _conversion_line("en", Row())  # type: ignore[arg-type]
    assert row == (
        "• *Ann*: S→P 6/6 100% · P→A 6/6 100% · A→D 6/6 100% · D→C 0/6 0% · "
        "weakest *D→C* 0 of 6 (team 65%) · 0 closed · _small sample_"
    )
    assert not any(mark in zh for mark in ":,()")  # Chinese punctuation in Chinese text

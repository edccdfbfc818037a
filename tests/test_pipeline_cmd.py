"""`/pipeline` through signed requests and the fake Slack: my deals, a rep's, the team's, refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.people.members import update_profile
from dev.driver import Driver
from storage.db import Database
from storage.models import Person
from tests.conftest import START
from tests.funnel_data import Funnel


def _text(message: dict[str, Any]) -> str:
    """Everything a user reads in a message or view: section texts and fields, context, headers."""
    parts = [] if message.get("blocks") else [message.get("text", "")]
    for block in message.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields") or [])
        for element in block.get("elements") or []:
            text = element.get("text")
            parts.append(text.get("text", "") if isinstance(text, dict) else str(text or ""))
    return "\n".join(parts)


def _answer(driver: Driver, user: str, text: str = "") -> str:
    driver.command(user, "/pipeline", text)
    responses = [c for c in driver.fake.calls if c.method == "response_url"]
    assert responses and responses[-1].response["ok"], responses[-1].response if responses else "no reply"
    return _text(driver.last_ephemeral(user))


def _team(db: Database, *, zh: bool = False) -> dict[str, Person]:
    """A manager (Mia) with two reps (Ann, Bo), an outsider rep (Olu) and an admin (Ada)."""
    with db.transaction() as session:
        f = Funnel(session)
        ada = f.person("UADA", "Ada", role="admin")
        mia = f.person("UMIA", "Mia", role="manager")
        ann = f.person("UANN", "Ann", manager=mia)
        bo = f.person("UBO", "Bo", manager=mia)
        olu = f.person("UOLU", "Olu")
        if zh:
            update_profile(ann, name="Ann", tz="UTC", locale="zh-CN", now=START)  # her Slack speaks Chinese
        account = f.account("Ricoh", ann)
        f.deal(ann, [(-20, "S")], amount=100_000, close=date(2026, 12, 10), title="A3 copiers", account=account)
        f.deal(
            ann, [(-30, "S"), (-10, "D")], amount=200_000, close=date(2026, 12, 20), title="Printers", account=account
        )
        f.deal(ann, [(-30, "S"), (-12, "C")], amount=50_000, title="Toner", account=account)
        f.deal(ann, [(-30, "S"), (-12, "lost")], amount=70_000, title="Lost one", account=account)
        for i in range(6):
            f.deal(ann, [(-100 - i, "S"), (-90, "P"), (-80, "lost")], title=f"Leak {i}", account=account)
        for i in range(6):
            f.deal(bo, [(-100 - i, "S"), (-90, "P"), (-80, "A"), (-70, "won")], title=f"Bo win {i}")
        f.deal(olu, [(-20, "S")], amount=5_000, title="Outsider deal")
        return {"ada": ada, "mia": mia, "ann": ann, "bo": bo, "olu": olu}


def test_my_pipeline_shows_deals_by_stage_amounts_and_weighted_forecast(driver: Driver, db: Database) -> None:
    _team(db)
    text = _answer(driver, "UANN")
    assert "Your pipeline" in text
    # S 100k × 5% + D 200k × 50% + C 50k × 80% = 145k weighted.
    assert "Open deals: *3* · 350k · weighted *145k*" in text
    assert "*Suspect* — 1 · 100k · weighted 5k" in text
    assert "• Ricoh — Printers · 200k · close Sun 20 Dec 2026" in text
    assert "Dec 2026: 2 open · 300k · weighted *105k*" in text
    assert "No close date: 1 open · 50k · weighted *40k*" in text
    assert "No open deals in: Prospect, Analysis, Order" in text
    assert "Lost one" not in text and "Outsider deal" not in text and "Bo win" not in text


def test_my_pipeline_in_chinese(driver: Driver, db: Database) -> None:
    _team(db, zh=True)
    text = _answer(driver, "UANN")
    assert "我的销售漏斗" in text
    assert "进行中的商机：*3* 个 · 350k · 加权 *145k*" in text
    assert "2026年12月：2 个 · 300k · 加权 *105k*" in text
    assert "*潜在客户* — 1 个" in text


def test_a_rep_is_politely_refused_anyone_elses_pipeline(driver: Driver, db: Database) -> None:
    _team(db)
    assert "you can see only your own pipeline" in _answer(driver, "UANN", "<@UBO|bo>")
    assert "you can see only your own pipeline" in _answer(driver, "UANN", "team")
    assert "you can see only your own pipeline" in _answer(driver, "UANN", "团队")
    assert "Your pipeline" in _answer(driver, "UANN", "<@UANN|ann>")


def test_a_manager_sees_a_reps_pipeline_against_the_team(driver: Driver, db: Database) -> None:
    _team(db)
    text = _answer(driver, "UMIA", "<@UANN|ann>")
    assert "Ann's pipeline" in text
    assert "350k" in text and "Printers" in text
    # At Prospect Ann loses six deals and two pass (skipping to D and C); Bo's six all pass:
    # Ann 2 of 8, the team 8 of 14.
    assert "P→A Prospect → Analysis: *25%* (2 of 8) · team 57% · decided only 25%" in text
    assert "Weakest step: *P→A Prospect → Analysis*, 2 of 8 (25%) against the team's 57%." in text
    # At Suspect one deal is 20 days old: pending, beside the rate (and counted as not yet on).
    assert "S→P Suspect → Prospect: *80%* (8 of 10, 1 pending) · team 88%" in text
    assert "Small sample" in text
    assert "you can see only your own pipeline" in _answer(driver, "UMIA", "<@UOLU|olu>")
    assert "haven't used Pipeline Coach" in _answer(driver, "UMIA", "<@UNOBODY|x>")


def test_team_pipeline_for_a_manager_and_the_workspace_for_an_admin(driver: Driver, db: Database) -> None:
    _team(db)
    text = _answer(driver, "UMIA", "team")
    assert "Team pipeline (3 people)" in text
    assert "Open deals: *3* · 350k · weighted *145k*" in text
    assert "*Ann* — 3 open · 350k · weighted 145k · weakest P→A 2 of 8 (team 57%)" in text
    assert "*Bo* — 0 open" in text
    assert "*Mia*" not in text  # the manager looking is not listed as a rep with no deals
    assert "Olu" not in text and "Outsider" not in text
    everyone = _answer(driver, "UADA", "team")
    assert "Workspace pipeline (5 people)" in everyone
    assert "Open deals: *4* · 355k" in everyone and "*Olu* — 1 open" in everyone
    assert "*Ada*" not in everyone and "*Mia*" not in everyone


def test_help_and_unknown_words_show_the_usage(driver: Driver, db: Database) -> None:
    _team(db)
    assert "`/pipeline team`" in _answer(driver, "UANN", "help")
    assert "`/pipeline team`" in _answer(driver, "UANN", "banana")


def test_an_empty_pipeline_says_how_to_start(driver: Driver, db: Database) -> None:
    with db.transaction() as session:
        Funnel(session).person("UNEW", "New")
    assert "No open deals yet" in _answer(driver, "UNEW")


def test_a_huge_pipeline_stays_within_slacks_limits(driver: Driver, db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        manager = f.person("UMIA", "Mia", role="manager")
        reps = [f.person(f"UREP{i:03d}", f"Rep number {i:03d} " + "x" * 60, manager=manager) for i in range(120)]
        stages = ["S", "P", "A", "D", "C", "O"]
        for i in range(400):
            stage = stages[i % len(stages)]
            owner = reps[0] if i < 300 else reps[i % 120]
            f.deal(
                owner,
                [(-300 + i % 200, "S"), (-100 + i % 90, stage)] if stage != "S" else [(-100 + i % 90, "S")],
                amount=1_000 + i,
                close=date(2026 + i % 3, 1 + i % 12, 1),
                title=f"{i:03d} " + "Very long deal title " * 9,  # one open title per account: numbered
                account=f.account("A" * 200, owner),  # each rep's own account of that name
            )
    mine = _answer(driver, "UREP000")
    assert "…and 45 more" in mine
    team = _answer(driver, "UMIA", "team")
    assert "*Rep number 000" in team and "…and" in team
    for call in driver.fake.calls:
        if call.method == "response_url":
            assert len(call.params["blocks"]) <= 50

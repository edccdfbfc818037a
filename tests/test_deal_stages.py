"""Configurable stages: presets, one edited stage, a custom list in a modal; admins only; deals
and their history survive every change (retired stages stay valid and can be left)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from dev.driver import Driver
from storage.db import Database
from storage.models import Stage, Workspace
from tests.deal_world import ADMIN, REP, ZH, all_calls_ok, build_team, deal_by_title, history


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def _stages(db: Database) -> list[tuple[str, int, bool]]:
    with db.transaction() as session:
        rows = session.scalars(select(Stage).order_by(Stage.position)).all()
        return [(s.key, s.position, s.is_active) for s in rows]


def test_everyone_sees_the_funnel_only_admins_get_the_edit_button(driver: Driver, team: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", "stages")
    admin_view = driver.last_ephemeral(ADMIN)
    assert "*S* Suspect / 潜在客户 · 5% · to move on: —" in admin_view["text"]
    assert "*D* Demo / proposal / 演示/提案 · 50% · to move on: Budget, Authority · max 45 days" in admin_view["text"]
    assert any(b["type"] == "actions" for b in admin_view["blocks"])
    driver.command(ZH, "/deal", "阶段")
    zh_view = driver.last_ephemeral(ZH)
    assert "推进条件：预算、决策人" in zh_view["text"]
    assert not any(b["type"] == "actions" for b in zh_view["blocks"])


def test_a_rep_cannot_change_stages(driver: Driver, db: Database, team: dict[str, int]) -> None:
    before = _stages(db)
    driver.command(REP, "/coach", "stages preset four")
    assert "only a workspace admin" in driver.last_ephemeral(REP)["text"]
    driver.command(REP, "/coach", "stages edit D prob 10%")
    driver.click(
        REP,
        {
            "blocks": [
                {"type": "actions", "elements": [{"type": "button", "action_id": "deal_stages_edit", "value": "edit"}]}
            ]
        },
        "deal_stages_edit",
    )
    assert not driver.fake.calls_to("views.open")
    assert _stages(db) == before


def test_switching_presets_keeps_deals_and_history(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", "Ricoh copiers → D")
    driver.click(REP, driver.last_ephemeral(REP), "deal_confirm")
    deal = deal_by_title(db, "A3 copiers")
    assert deal.stage_key == "D"

    driver.command(ADMIN, "/coach", "stages preset four")
    assert "Stages saved" in driver.last_ephemeral(ADMIN)["text"]
    stages = _stages(db)
    assert [k for k, _, active in stages if active] == ["interest", "inquiry", "proposal", "deal"]
    assert [k for k, _, active in stages if not active] == ["S", "P", "A", "D", "C", "O"]
    assert [p for _, p, _ in stages] == list(range(10))
    with db.transaction() as session:
        assert session.get(Workspace, driver.team_id).config["stage_preset"] == "four"

    driver.command(REP, "/deal", "Ricoh copiers")
    assert "(retired stage)" in str(driver.last_ephemeral(REP)["blocks"])
    driver.command(REP, "/deal", "Ricoh copiers → proposal")
    assert "moved D · Demo / proposal → proposal · Proposal" in driver.last_ephemeral(REP)["text"]
    assert history(db, deal.id) == [(None, "S", False), ("S", "D", True), ("D", "proposal", False)]

    driver.command(ADMIN, "/coach", "stages preset spadco")
    assert [k for k, _, active in _stages(db) if active] == ["S", "P", "A", "D", "C", "O"]
    driver.command(REP, "/deal", "Ricoh copiers → C")  # out of the retired "proposal": all criteria before C
    assert "Budget, Authority, Need, Timeline not met yet" not in driver.last_ephemeral(REP)["text"]
    assert "Need, Timeline, Authority, Budget not met yet for C · Close" in driver.last_ephemeral(REP)["text"]
    all_calls_ok(driver)


def test_edit_one_stage(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", "stages edit D prob 40% days 30 exit budget name Demo zh 演示")
    with db.transaction() as session:
        stage = session.scalars(select(Stage).where(Stage.key == "D")).one()
        assert (stage.name_en, stage.name_zh, stage.probability, stage.exit_criteria, stage.max_days) == (
            "Demo",
            "演示",
            Decimal("0.4000"),
            ["budget"],
            30,
        )
        assert session.get(Workspace, driver.team_id).config["stage_preset"] == "custom"
    driver.command(ADMIN, "/coach", "stages edit D prob lots")
    assert "couldn't read that" in driver.last_ephemeral(ADMIN)["text"]
    driver.command(ADMIN, "/coach", "stages edit Z prob 10%")
    assert "no active stage “Z”" in driver.last_ephemeral(ADMIN)["text"]


def test_custom_list_in_the_modal(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(ADMIN, "/coach", "stages edit")
    modal = driver.last_view()
    lines = modal["blocks"][0]["element"]["initial_value"]
    assert lines.splitlines()[3] == "D | Demo / proposal | 演示/提案 | 50% | budget, authority | 45"
    driver.submit(ADMIN, modal, {"lines": {"text": {"type": "plain_text_input", "value": lines}}})
    with db.transaction() as session:  # saved unchanged: still the preset, not "custom"
        assert session.get(Workspace, driver.team_id).config["stage_preset"] == "spadco"
    assert [k for k, _, active in _stages(db) if active] == ["S", "P", "A", "D", "C", "O"]

    bad = {"lines": {"text": {"type": "plain_text_input", "value": "L | Lead | 线索 | 10%\nwon | Won | 赢 | 100%"}}}
    response = driver.submit(ADMIN, modal, bad)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"lines": "“won” is reserved for closed deals; choose another key."},
    }
    bad_line = {"lines": {"text": {"type": "plain_text_input", "value": "L | Lead | 线索 | 10%\nQ | Qualified"}}}
    assert "Line 2 should read" in driver.submit(ADMIN, modal, bad_line).json()["errors"]["lines"]

    good = "L | Lead | 线索 | 10% | - | -\nQ | Qualified | 合格 | 40% | 预算, need | 30\nW | Winning | 赢单中 | 90%"
    driver.submit(ADMIN, modal, {"lines": {"text": {"type": "plain_text_input", "value": good}}})
    assert [k for k, _, active in _stages(db) if active] == ["L", "Q", "W"]
    assert "Stages saved" in driver.last_ephemeral(ADMIN)["text"]
    driver.command(REP, "/deal", "Ricoh copiers → W")
    assert "Budget, Need not met yet for W · Winning" in driver.last_ephemeral(REP)["text"]
    assert deal_by_title(db, "A3 copiers").stage_key == "S"
    all_calls_ok(driver)

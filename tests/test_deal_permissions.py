"""A rep cannot see or change another rep's deals unless manager (of that rep) or admin, and
nothing crosses workspaces: forged ids in button values and modal metadata are not found."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.deals.ops import create_deal
from bot.people.members import actor_for, ensure_person
from dev.driver import Driver
from storage.db import Database
from storage.models import Deal, StageChange
from tests.conftest import START
from tests.deal_world import ADMIN, MGR, REP, ZH, build_team, deal_by_title, forged, history


@pytest.fixture
def deals(driver: Driver, db: Database) -> dict[str, int]:
    ids = build_team(driver, db)
    driver.command(ZH, "/deal", "新建 佳能 复印机项目 12万")
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 50k')
    ids["zh_deal"] = deal_by_title(db, "复印机项目").id
    ids["rep_deal"] = deal_by_title(db, "A3 copiers").id
    with db.transaction() as session:
        # Another workspace, whose rep has a deal "Secret" at their account "Other".
        other = ensure_person(session, "T0000OTHER", "UOTHER", START)
        deal = create_deal(session, actor_for(other), title="Secret", now=START, new_account_name="Other")
        ids["foreign_deal"] = deal.id
    driver.fake.reset()
    return ids


def _snapshot(db: Database) -> list[tuple[int, str, str, bool | None]]:
    with db.transaction() as session:
        deals = session.scalars(select(Deal).order_by(Deal.id)).all()
        changes = session.scalar(select(func.count()).select_from(StageChange))
        return [(d.id, d.stage_key, d.status, d.budget) for d in deals] + [(changes or 0, "", "", None)]


def test_a_rep_cannot_reach_another_reps_deal_by_name(driver: Driver, db: Database, deals: dict[str, int]) -> None:
    before = _snapshot(db)
    driver.command(REP, "/deal", "Canon copiers → P")
    assert "couldn't find" in driver.last_ephemeral(REP)["text"]
    driver.command(REP, "/deal", "won Canon")
    driver.command(REP, "/deal", "copiers budget yes")  # by title only: own deal is the only candidate
    assert _snapshot(db)[0][3] is None  # ZH's deal untouched
    assert deal_by_title(db, "A3 copiers").budget is True
    assert not driver.fake.calls_to("views.open")
    assert _snapshot(db)[0] == before[0]


@pytest.mark.parametrize(
    ("action_id", "op"),
    [
        ("deal_next", {"a": "move", "to": "P"}),
        ("deal_confirm", {"a": "move", "to": "D", "ov": 1}),
        ("deal_pick_0", {"a": "set", "f": {"q": {"budget": True}}}),
        ("deal_won", {"a": "won"}),
        ("deal_lost", {"a": "lost", "ov": 1}),
        ("deal_pick_1", {"a": "show"}),
    ],
)
@pytest.mark.parametrize("target", ["zh_deal", "foreign_deal", "missing"])
def test_forged_deal_ids_in_buttons_are_not_found(
    driver: Driver, db: Database, deals: dict[str, int], action_id: str, op: dict, target: str
) -> None:
    before = _snapshot(db)
    deal_id = deals.get(target, 999_999)
    driver.click(REP, forged(action_id, {**op, "d": deal_id}), action_id)
    assert "couldn't find that" in driver.last_ephemeral(REP)["text"]
    assert not driver.fake.calls_to("views.open")
    assert _snapshot(db) == before


def test_forged_update_button_and_account_in_create(driver: Driver, db: Database, deals: dict[str, int]) -> None:
    before = _snapshot(db)
    driver.click(REP, forged("deal_update", {"d": deals["zh_deal"]}), "deal_update")
    assert "couldn't find that" in driver.last_ephemeral(REP)["text"]
    driver.click(
        REP, forged("deal_create_account", {"a": "create", "acc": deals["Canon"], "t": "Mine"}), "deal_create_account"
    )
    assert "couldn't find that" in driver.last_ephemeral(REP)["text"]
    assert not driver.fake.calls_to("views.open")
    assert _snapshot(db) == before


def test_a_forged_modal_cannot_close_someone_elses_deal(driver: Driver, db: Database, deals: dict[str, int]) -> None:
    driver.command(REP, "/deal", "won Ricoh copiers")
    modal = driver.last_view()
    for target in ("zh_deal", "foreign_deal"):
        meta = {**json.loads(modal["private_metadata"]), "d": deals[target]}
        driver.submit(REP, {**modal, "private_metadata": json.dumps(meta)}, {})
    with db.transaction() as session:
        assert session.get(Deal, deals["zh_deal"]).status == "open"
        assert session.get(Deal, deals["foreign_deal"]).status == "open"
    assert deal_by_title(db, "A3 copiers").status == "open"


def test_a_forged_update_modal_cannot_touch_someone_elses_deal(
    driver: Driver, db: Database, deals: dict[str, int]
) -> None:
    driver.command(REP, "/deal", "Ricoh copiers")
    driver.click(REP, driver.last_ephemeral(REP), "deal_update")
    modal = driver.last_view()
    values = {
        "deal": {"deal_update_pick": {"type": "static_select", "selected_option": {"value": str(deals["zh_deal"])}}},
        "stage": {"stage": {"type": "static_select", "selected_option": {"value": "C"}}},
        "amount": {"amount": {"type": "plain_text_input", "value": "1"}},
    }
    driver.submit(REP, modal, values)
    with db.transaction() as session:
        zh_deal = session.get(Deal, deals["zh_deal"])
        assert (zh_deal.stage_key, zh_deal.amount) == ("S", 120000)
    assert history(db, deals["zh_deal"]) == [(None, "S", False)]


def test_a_manager_only_reaches_their_own_team(driver: Driver, db: Database, deals: dict[str, int]) -> None:
    driver.click(MGR, forged("deal_next", {"a": "move", "to": "P", "d": deals["zh_deal"]}), "deal_next")
    assert "couldn't find that" in driver.last_ephemeral(MGR)["text"]
    driver.click(MGR, forged("deal_next", {"a": "move", "to": "P", "d": deals["rep_deal"]}), "deal_next")
    assert deal_by_title(db, "A3 copiers").stage_key == "P"
    driver.click(ADMIN, forged("deal_next", {"a": "move", "to": "P", "d": deals["zh_deal"]}), "deal_next")
    assert deal_by_title(db, "复印机项目").stage_key == "P"
    driver.click(ADMIN, forged("deal_next", {"a": "move", "to": "P", "d": deals["foreign_deal"]}), "deal_next")
    assert "couldn't find that" in driver.last_ephemeral(ADMIN)["text"]


def test_garbage_button_values_are_harmless(driver: Driver, db: Database, deals: dict[str, int]) -> None:
    before = _snapshot(db)
    for value in ("not json", "[1, 2]", '{"a": "move", "d": "1 OR 1=1", "to": "P"}', '{"a": "drop"}'):
        driver.click(REP, forged("deal_next", value), "deal_next")
        assert "couldn't find that" in driver.last_ephemeral(REP)["text"]
    assert _snapshot(db) == before

"""The "Update deal" modal (from the card and from the message shortcut)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dev.driver import Driver
from storage.db import Database
from tests.deal_world import REP, ZH, all_calls_ok, build_team, deal_by_title, history


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    ids = build_team(driver, db)
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 120k')
    return ids


def _initial(modal: dict, block_id: str) -> str | None:
    block = next(b for b in modal["blocks"] if b.get("block_id") == block_id)
    element = block["element"]
    return (
        (element.get("initial_option") or {}).get("value")
        or element.get("initial_value")
        or element.get("initial_date")
    )


def _values(stage: str, amount: str = "", close: str | None = None, **quality: str) -> dict:
    values: dict = {
        "stage": {"stage": {"type": "static_select", "selected_option": {"value": stage}}},
        "amount": {"amount": {"type": "plain_text_input", "value": amount}},
        "close": {"close": {"type": "datepicker", "selected_date": close}},
        "note": {"note": {"type": "plain_text_input", "value": "met the CFO"}},
    }
    for item in ("budget", "authority", "need", "timeline", "competition", "champion"):
        chosen = quality.get(item, "unknown")
        values[f"q_{item}"] = {"value": {"type": "static_select", "selected_option": {"value": chosen}}}
    return values


def test_update_from_the_card_then_confirm_the_move(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", "Ricoh copiers")
    driver.click(REP, driver.last_ephemeral(REP), "deal_update")
    modal = driver.last_view()
    assert (_initial(modal, "stage"), _initial(modal, "amount"), _initial(modal, "q_budget")) == (
        "S",
        "120000",
        "unknown",
    )

    driver.submit(REP, modal, _values("D", "1.2M", "2027-02-15", budget="yes", authority="yes"))
    deal = deal_by_title(db, "A3 copiers")
    assert (deal.amount, deal.expected_close, deal.budget, deal.authority, deal.stage_key) == (
        Decimal("1200000.00"),
        date(2027, 2, 15),
        True,
        True,
        "S",
    )
    question = driver.last_ephemeral(REP)
    assert "Need, Timeline not met yet for D · Demo / proposal" in question["text"]
    driver.click(REP, question, "deal_confirm")
    assert deal_by_title(db, "A3 copiers").stage_key == "D"
    assert history(db, deal.id)[-1] == ("S", "D", True)
    all_calls_ok(driver)


def test_a_bad_amount_is_shown_in_the_modal_and_nothing_saved(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    driver.command(REP, "/deal", "Ricoh copiers")
    driver.click(REP, driver.last_ephemeral(REP), "deal_update")
    response = driver.submit(REP, driver.last_view(), _values("P", "lots", budget="yes"))
    assert response.json()["response_action"] == "errors"
    assert "120k, 1.2M, 12万" in response.json()["errors"]["amount"]
    deal = deal_by_title(db, "A3 copiers")
    assert (deal.stage_key, deal.budget, deal.amount) == ("S", None, Decimal("120000.00"))


def test_message_shortcut_finds_the_deal_and_prefills(driver: Driver, db: Database, team: dict[str, int]) -> None:
    message = {"type": "message", "ts": "1700000000.000200", "user": REP, "text": "Ricoh copiers budget yes → P"}
    driver.message_shortcut(REP, "deal_update_message", message)
    modal = driver.last_view()
    assert _initial(modal, "deal") == str(deal_by_title(db, "A3 copiers").id)
    assert (_initial(modal, "stage"), _initial(modal, "q_budget")) == ("P", "yes")
    assert _initial(modal, "note") == "Ricoh copiers budget yes → P"
    driver.submit(REP, modal, _values("P", "120000", budget="yes"))
    deal = deal_by_title(db, "A3 copiers")
    assert (deal.stage_key, deal.budget) == ("P", True)
    assert "moved S · Suspect → P · Prospect" in driver.last_ephemeral(REP)["text"]


def test_message_shortcut_without_a_match_offers_a_picker(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(ZH, "/deal", "新建 佳能 复印机项目")
    message = {"type": "message", "ts": "1700000000.000300", "user": ZH, "text": "今天和客户聊得不错"}
    driver.message_shortcut(ZH, "deal_update_message", message)
    picker = driver.last_view()
    assert picker["title"]["text"] == "更新商机"
    assert [b["block_id"] for b in picker["blocks"]] == ["deal"]
    deal_id = str(deal_by_title(db, "复印机项目").id)
    driver.click(ZH, picker, "deal_update_pick", selected=deal_id)
    full = driver.last_view()
    assert full["id"] == picker["id"] and _initial(full, "stage") == "S"
    assert _initial(full, "note") is None
    all_calls_ok(driver)

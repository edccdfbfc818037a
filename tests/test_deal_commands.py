"""`/deal` through signed requests and the fake Slack: create, move, back move, override, set
fields, won and lost with reasons (modal), list, in English and Chinese, on both databases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Deal, DealReason, StageChange
from tests.deal_world import ADMIN, MGR, REP, ZH, all_calls_ok, build_team, deal_by_title, history


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def test_create_move_back_and_override_in_english(
    driver: Driver, db: Database, clock: ManualClock, team: dict[str, int]
) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 120k close Dec')
    reply = driver.last_ephemeral(REP)
    assert "New deal" in reply["text"] and "A3 copiers" in reply["text"]
    deal = deal_by_title(db, "A3 copiers")
    assert (deal.amount, deal.expected_close, deal.stage_key, deal.status) == (
        Decimal("120000.00"),
        date(2026, 12, 31),
        "S",
        "open",
    )
    assert history(db, deal.id) == [(None, "S", False)]

    clock.advance(timedelta(days=3))
    driver.command(REP, "/deal", "Ricoh copiers -&gt; P")  # "->" as Slack sends it (escaped)
    assert "moved S · Suspect → P · Prospect" in driver.last_ephemeral(REP)["text"]

    # D needs P's and A's exit criteria (need, timeline, authority): asked once, then overridden.
    clock.advance(timedelta(days=2))
    driver.command(REP, "/deal", "Ricoh copiers to Demo")
    question = driver.last_ephemeral(REP)
    assert "Need, Timeline, Authority not met yet" in question["text"]
    assert deal_by_title(db, "A3 copiers").stage_key == "P"
    driver.click(REP, question, "deal_confirm")
    assert "noted as an override" in driver.last_ephemeral(REP)["text"]

    clock.advance(timedelta(days=1))
    driver.command(REP, "/deal", "Ricoh copiers back to 3")
    assert "moved back D · Demo / proposal → A · Analysis" in driver.last_ephemeral(REP)["text"]
    moved = deal_by_title(db, "A3 copiers")
    assert moved.stage_key == "A" and moved.stage_entered_at == clock.now()
    assert history(db, deal.id) == [(None, "S", False), ("S", "P", False), ("P", "D", True), ("D", "A", False)]
    with db.transaction() as session:
        change = session.scalars(select(StageChange).where(StageChange.to_stage == "D")).one()
        assert change.changed_at == clock.now() - timedelta(days=1)
    all_calls_ok(driver)


def test_chinese_create_qualify_and_move_without_asking(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(ZH, "/deal", "新建 佳能 复印机项目 12万 预计 1月")
    assert "已新建商机" in driver.last_ephemeral(ZH)["text"]
    deal = deal_by_title(db, "复印机项目")
    assert deal.amount == Decimal("120000.00") and deal.expected_close == date(2027, 1, 31)

    driver.command(ZH, "/deal", "佳能复印机 预算 有 决策人 已见 需求 是 时间 是")
    assert "已更新" in driver.last_ephemeral(ZH)["text"]
    driver.command(ZH, "/deal", "佳能复印机 推进到 提案")
    reply = driver.last_ephemeral(ZH)["text"]
    assert "已从 S · 潜在客户 推进到 D · 演示/提案" in reply
    assert history(db, deal.id) == [(None, "S", False), ("S", "D", False)]

    driver.command(ZH, "/deal", "佳能复印机 竞争 未知 150万")
    updated = deal_by_title(db, "复印机项目")
    assert (updated.budget, updated.authority, updated.competition, updated.amount) == (
        True,
        True,
        None,
        Decimal("1500000.00"),
    )
    all_calls_ok(driver)


def test_won_with_the_modal(driver: Driver, db: Database, clock: ManualClock, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "Printers" ¥50,000')
    driver.command(REP, "/deal", "won Ricoh printers")
    modal = driver.last_view()
    assert modal["callback_id"] == "deal_close"
    assert deal_by_title(db, "Printers").status == "open"
    driver.submit(REP, modal, {"lesson": {"text": {"type": "plain_text_input", "value": "CFO at the demo"}}})
    won = deal_by_title(db, "Printers")
    assert (won.status, won.closed_at, won.lesson, won.amount) == ("won", clock.now(), "CFO at the demo", 50000)
    assert history(db, won.id)[-1] == ("S", "won", False)
    assert "is won" in driver.last_ephemeral(REP)["text"]
    driver.command(REP, "/deal", "Ricoh printers → P")  # closed deals are not matched any more
    assert "No open deal" in driver.last_ephemeral(REP)["text"]
    all_calls_ok(driver)


def test_lost_asks_about_few_contacts_then_takes_reasons(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(ZH, "/deal", "新建 佳能 扫描仪 8万")
    driver.command(ZH, "/deal", "输单 佳能扫描仪")
    question = driver.last_ephemeral(ZH)
    assert "只联系过 0 次" in question["text"]
    driver.click(ZH, question, "deal_confirm")
    modal = driver.last_view()
    assert modal["title"]["text"] == "输单"
    options = modal["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options][:3] == ["price", "dm_absent", "late_proposal"]
    assert options[0]["text"]["text"] == "价格"
    values = {
        "reasons": {
            "pick": {"type": "multi_static_select", "selected_options": [{"value": "price"}, {"value": "dm_absent"}]}
        },
        "lesson": {"text": {"type": "plain_text_input", "value": "决策人没来演示"}},
    }
    driver.submit(ZH, modal, values)
    lost = deal_by_title(db, "扫描仪")
    assert (lost.status, lost.lesson) == ("lost", "决策人没来演示")
    assert history(db, lost.id)[-1] == ("S", "lost", True)
    with db.transaction() as session:
        reasons = set(session.scalars(select(DealReason.reason_key).where(DealReason.deal_id == lost.id)))
    assert reasons == {"price", "dm_absent"}
    assert "已记为输单" in driver.last_ephemeral(ZH)["text"]


def test_lost_after_enough_contacts_goes_straight_to_the_modal(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    with db.transaction() as session:
        session.get(Account, team["Ricoh"]).contact_count = 7
    driver.command(REP, "/deal", 'new Ricoh "Toner"')
    driver.command(REP, "/deal", "lost Ricoh toner")
    modal = driver.last_view()
    values = {"reasons": {"pick": {"type": "multi_static_select", "selected_options": [{"value": "no_need"}]}}}
    driver.submit(REP, modal, values)
    assert history(db, deal_by_title(db, "Toner").id)[-1] == ("S", "lost", False)


def test_a_forged_reason_is_refused_and_nothing_closes(driver: Driver, db: Database, team: dict[str, int]) -> None:
    with db.transaction() as session:
        session.get(Account, team["Ricoh"]).contact_count = 9
    driver.command(REP, "/deal", 'new Ricoh "Toner"')
    driver.command(REP, "/deal", "lost Ricoh toner")
    values = {"reasons": {"pick": {"type": "multi_static_select", "selected_options": [{"value": "made_up"}]}}}
    driver.submit(REP, driver.last_view(), values)
    assert deal_by_title(db, "Toner").status == "open"
    assert "Unknown reasons: made_up" in driver.last_ephemeral(REP)["text"]


def test_several_matches_ask_with_buttons(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", 'new Ricoh "Printers"')
    driver.command(REP, "/deal", "Ricoh → P")
    question = driver.last_ephemeral(REP)
    assert "Several deals match" in question["text"]
    printers = deal_by_title(db, "Printers")
    driver.click(REP, question, "deal_pick_0")  # most recent first
    assert deal_by_title(db, "Printers").stage_key == "P"
    assert deal_by_title(db, "A3 copiers").stage_key == "S"
    assert history(db, printers.id)[-1] == ("S", "P", False)


def test_unknown_account_is_offered_then_created(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Nikon "Cameras" 30k')
    question = driver.last_ephemeral(REP)
    assert "no account “Nikon”" in question["text"]
    with db.transaction() as session:
        assert session.scalar(select(Account).where(Account.name == "Nikon")) is None
    driver.click(REP, question, "deal_create_account")
    driver.click(REP, question, "deal_create_account")  # a double click creates one deal
    with db.transaction() as session:
        account = session.scalars(select(Account).where(Account.name == "Nikon")).one()
        deals = session.scalars(select(Deal).where(Deal.account_id == account.id)).all()
    assert [d.title for d in deals] == ["Cameras"] and account.owner_id == team[REP]
    assert "already an open deal" in driver.last_ephemeral(REP)["text"]


def test_unclear_text_is_echoed_back(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", "Ricoh copiers budget maybe")
    reply = driver.last_ephemeral(REP)
    assert "yes, no or unknown" in reply["text"] and "Ricoh copiers budget maybe" in reply["text"]
    driver.command(REP, "/deal", "Ricoh copiers → Z")
    assert "There is no stage “Z”. The stages are: S, P, A, D, C, O" in driver.last_ephemeral(REP)["text"]
    driver.command(REP, "/deal", "Xerox copiers → P")
    assert "couldn't find an open deal or an account" in driver.last_ephemeral(REP)["text"]
    assert deal_by_title(db, "A3 copiers").stage_key == "S"


def test_list_is_the_pipeline_view_mine_and_a_managers(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 120k')
    driver.command(REP, "/deal", 'new Ricoh "Printers" 30k')
    driver.command(REP, "/deal", "Ricoh printers → P")
    driver.command(REP, "/deal", "list")
    mine = str(driver.last_ephemeral(REP)["blocks"])
    assert "Ricoh — A3 copiers" in mine and "Ricoh — Printers" in mine
    driver.command(REP, "/pipeline", "")
    assert str(driver.last_ephemeral(REP)["blocks"]) == mine  # one view of "my deals by stage"
    driver.command(MGR, "/deal", f"list <@{REP}|ren>")
    assert "Ricoh — Printers" in str(driver.last_ephemeral(MGR)["blocks"])
    driver.command(ZH, "/deal", f"列表 <@{REP}|ren>")
    refused = driver.last_ephemeral(ZH)
    assert "Printers" not in str(refused) and "经理和管理员" in refused["text"]
    all_calls_ok(driver)


def test_show_a_deal_with_its_history(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", "Ricoh copiers → P")
    driver.command(REP, "/deal", "Ricoh copiers")
    card = driver.last_ephemeral(REP)
    texts = [e.get("text", "") for b in card["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("created in S" in t and "S → P" in t for t in texts)
    driver.click(REP, card, "deal_next")  # the card's primary button: on to the next stage
    assert "Need, Timeline not met yet for A · Analysis" in driver.last_ephemeral(REP)["text"]
    assert deal_by_title(db, "A3 copiers").stage_key == "P"


def test_admin_and_manager_may_act_on_a_reps_deal(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(MGR, "/deal", "Ricoh copiers → P")
    assert deal_by_title(db, "A3 copiers").stage_key == "P"
    driver.command(ADMIN, "/deal", "Ricoh copiers budget yes")
    assert deal_by_title(db, "A3 copiers").budget is True

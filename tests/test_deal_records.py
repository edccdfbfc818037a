"""`/deal … rename "…"` (the deal's owner, or their manager) and `/deal … owner @rep` (managers,
one deal at a time), in both languages; other reps are refused and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.i18n import t
from dev.driver import Driver
from storage.db import Database
from storage.models import RecordChange
from tests.deal_world import MGR, REP, ZH, build_team, deal_by_title


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def test_rename_a_deal_in_english_and_chinese(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers" 120k')
    driver.command(REP, "/deal", 'Ricoh copiers rename "A3 copiers, 40 units"')
    renamed = deal_by_title(db, "A3 copiers, 40 units")
    assert "Renamed *A3 copiers* to *A3 copiers, 40 units*" in str(driver.last_ephemeral(REP)["blocks"])
    assert renamed.amount == 120000 and renamed.owner_id == team[REP]

    driver.command(ZH, "/deal", 'new 佳能 "复印机"')
    driver.command(ZH, "/deal", "佳能 复印机 改名 “A3 复印机”")
    assert deal_by_title(db, "A3 复印机").owner_id == team[ZH]
    assert "改名为" in str(driver.last_ephemeral(ZH)["blocks"])
    with db.transaction() as session:
        trail = session.scalars(select(RecordChange).where(RecordChange.kind == "deal").order_by(RecordChange.id)).all()
    assert [(c.before, c.after) for c in trail] == [
        ({"title": "A3 copiers"}, {"title": "A3 copiers, 40 units"}),
        ({"title": "复印机"}, {"title": "A3 复印机"}),
    ]


def test_rename_is_refused_for_another_reps_deal(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    deal = deal_by_title(db, "A3 copiers")
    driver.command(ZH, "/deal", f'#{deal.id} rename "mine now"')
    assert "没有找到" in driver.last_ephemeral(ZH)["text"]
    assert deal_by_title(db, "A3 copiers").id == deal.id


def test_a_manager_gives_one_deal_to_another_rep_of_the_team(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    driver.command(REP, "/deal", 'new Ricoh "Printers"')
    driver.command(MGR, "/deal", f"Ricoh printers owner <@{MGR}|mia>")
    assert deal_by_title(db, "Printers").owner_id == team[MGR]
    assert deal_by_title(db, "A3 copiers").owner_id == team[REP]  # only the one deal
    assert "now belongs to Mia" in str(driver.last_ephemeral(MGR)["blocks"])

    driver.command(REP, "/deal", f"Ricoh copiers owner <@{ZH}|zhang>")  # a rep may not
    assert deal_by_title(db, "A3 copiers").owner_id == team[REP]
    assert t("en", "common.not_allowed") in driver.last_ephemeral(REP)["text"]
    driver.command(MGR, "/deal", f"#{deal_by_title(db, 'A3 copiers').id} 负责人 <@{ZH}|zhang>")  # not in Mia's team
    assert deal_by_title(db, "A3 copiers").owner_id == team[REP]


def test_a_deals_history_is_shown_in_full(driver: Driver, db: Database, team: dict[str, int]) -> None:
    driver.command(REP, "/deal", 'new Ricoh "A3 copiers"')
    for _ in range(15):  # back and forth: 31 entries, more than the card used to show
        driver.command(REP, "/deal", "Ricoh copiers → P")
        driver.command(REP, "/deal", "Ricoh copiers → S")
    driver.command(REP, "/deal", "Ricoh copiers")
    card = driver.last_ephemeral(REP)
    texts = "\n".join(e.get("text", "") for b in card["blocks"] if b["type"] == "context" for e in b["elements"])
    assert "created in S" in texts and texts.count("S → P") == 15 and texts.count("P → S") == 15

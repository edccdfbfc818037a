"""`/deal` finds its account the way `/visit` does (issue 15): by name or alias anywhere in the
reference, in either script, and a colleague's account is never duplicated."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dev.driver import Driver
from storage.db import Database
from storage.models import Account
from tests.deal_world import REP, ZH, all_calls_ok, build_team, deal_by_title


@pytest.fixture
def team(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def _accounts(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Account)) or 0


def test_a_colleagues_account_is_not_offered_as_a_new_one(driver: Driver, db: Database, team: dict[str, int]) -> None:
    before = _accounts(db)
    driver.command(REP, "/deal", 'new Canon "Toner contract" 30k')
    reply = driver.last_ephemeral(REP)["text"]
    assert "Canon* is 张伟's account" in reply and "no new account" in reply
    driver.command(ZH, "/deal", "新建 理光 复印机项目 12万")
    assert "是Ren的客户" in driver.last_ephemeral(ZH)["text"]
    assert _accounts(db) == before
    all_calls_ok(driver)


def test_the_account_is_found_by_alias_and_in_any_case_before_the_title(
    driver: Driver, db: Database, team: dict[str, int]
) -> None:
    driver.command(REP, "/deal", "new 理光 A3 copiers 120k")
    deal = deal_by_title(db, "A3 copiers")
    assert deal.account_id == team["Ricoh"]
    driver.command(REP, "/deal", "RICOH a3 copiers → P")
    assert deal_by_title(db, "A3 copiers").stage_key == "P"
    all_calls_ok(driver)

"""`/account NAME …` (客户): the card, rename (old name kept as an alias), aliases, archive and
restore, merge (every row moved), owner changes by managers; other reps refused; both languages."""

from __future__ import annotations

from sqlalchemy import func, select

from dev.driver import Driver
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Deal, FollowUp, RecordChange, Visit
from tests.visit_world import account, contact, get, rep, reply_text, team


def _aliases(db: Database, account_id: int) -> set[str]:
    with db.transaction() as session:
        return set(session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id == account_id)))


def _rows(db: Database, account_id: int) -> dict[str, int]:
    with db.transaction() as session:
        return {
            m.__name__: session.scalar(select(func.count()).select_from(m).where(m.account_id == account_id)) or 0
            for m in (Visit, Contact, Deal, FollowUp)
        }


def test_card_rename_aliases_archive_restore_in_english(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh", "理光")
    driver.command("U1", "/visit", "Ricoh with Zhang in person: demo")
    driver.command("U1", "/deal", 'new Ricoh "A3 copiers" 120k')

    driver.command("U1", "/account", "ricoh")
    card = reply_text(driver.last_ephemeral("U1"))
    for expected in ("Ricoh", "理光", "U1", "no business yet", "A3 copiers", "in person"):
        assert expected in card, expected

    driver.command("U1", "/account", 'Ricoh rename "Ricoh China"')
    assert get(db, Account, ricoh).name == "Ricoh China" and _aliases(db, ricoh) == {"理光", "Ricoh"}
    assert "Renamed *Ricoh* to *Ricoh China*" in reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/account", "Ricoh China alias add RC")
    driver.command("U1", "/account", "Ricoh China alias remove 理光")
    assert _aliases(db, ricoh) == {"Ricoh", "RC"}
    driver.command("U1", "/account", "Ricoh China archive")
    assert get(db, Account, ricoh).archived_at is not None
    driver.command("U1", "/account", "Ricoh China restore")
    assert get(db, Account, ricoh).archived_at is None
    with db.transaction() as session:
        trail = session.scalars(select(RecordChange).where(RecordChange.kind == "account")).all()
    assert len(trail) == 5 and trail[0].before["name"] == "Ricoh" and trail[0].after["name"] == "Ricoh China"


def test_merge_moves_every_row_and_keeps_the_names_in_chinese(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    dup, main = account(db, me, "理光 上海", "Ricoh SH"), account(db, me, "理光中国")
    contact(db, dup, "张总")
    driver.command("U1", "/visit", "理光 上海 张总 面谈; 下一步: 明天 发报价")
    driver.command("U1", "/deal", 'new 理光 上海 "复印机"')
    driver.command("U1", "/visit", "理光中国 电话")
    before_dup, before_main = _rows(db, dup), _rows(db, main)
    assert before_dup["Visit"] == 1 and before_dup["Deal"] == 1 and before_dup["FollowUp"] >= 1

    driver.command("U1", "/account", "理光 上海 合并到 理光中国")

    assert "已将 *理光 上海* 合并到 *理光中国*" in reply_text(driver.last_ephemeral("U1"))
    with db.transaction() as session:
        assert session.get(Account, dup) is None
    after = _rows(db, main)
    assert after == {k: before_dup[k] + before_main[k] for k in after}
    assert {"理光 上海", "Ricoh SH"} <= _aliases(db, main)


def test_other_reps_cannot_see_or_change_an_account_and_reps_cannot_reassign(driver: Driver, db: Database) -> None:
    boss, mine, other = rep(db, driver, "UB", name="Mia"), rep(db, driver, "U1", name="Bo"), rep(db, driver, "U2")
    team(db, driver, "UB", "U1")  # the admin's `/coach team @UB @U1`
    ricoh = account(db, mine, "Ricoh")
    account(db, other, "Zeta")

    driver.command("U2", "/account", 'Ricoh rename "Mine"')
    assert "found no account" in reply_text(driver.last_ephemeral("U2"))
    driver.command("U2", "/account", "Zeta merge into Ricoh")
    assert get(db, Account, ricoh).name == "Ricoh" and _rows(db, ricoh)["Visit"] == 0
    driver.command("U1", "/account", "Ricoh owner <@U2>")
    assert get(db, Account, ricoh).owner_id == mine

    driver.command("UB", "/account", 'Ricoh rename "Ricoh Group"')  # the owner's manager may
    driver.command("UB", "/account", "Ricoh Group owner <@UB>")
    assert (get(db, Account, ricoh).name, get(db, Account, ricoh).owner_id) == ("Ricoh Group", boss)

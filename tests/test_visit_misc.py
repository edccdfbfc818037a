"""`/visit list`, `/visit today`, `/visit help` and `/visit lang`."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import ManualClock
from dev.driver import Driver
from storage.db import Database
from storage.models import Person
from tests.visit_world import account, all_ok, get, rep, reply_text


def test_list_shows_my_last_visits_newest_first(driver: Driver, db: Database, clock: ManualClock) -> None:
    me = rep(db, driver, "U1")
    other = rep(db, driver, "U2")
    account(db, me, "Ricoh")
    account(db, me, "Acme")
    account(db, other, "Zeta")
    driver.command("U1", "/visit", "Ricoh phone yesterday")
    clock.advance(timedelta(minutes=30))
    driver.command("U1", "/visit", "Acme with Li dinner; next: send samples by Fri")
    driver.command("U2", "/visit", "Zeta email")

    driver.command("U1", "/visit", "list")
    text = reply_text(driver.last_ephemeral("U1"))
    assert text.index("Acme") < text.index("Ricoh") and "Zeta" not in text
    assert "send samples" in text and "Fri 27 Nov 2026, 18:00" in text and "Li" in text
    all_ok(driver)


def test_today_counts_against_the_daily_standard(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", tz="Asia/Shanghai")
    account(db, me, "Ricoh")
    account(db, me, "Acme")
    driver.command("U1", "/visit", "Ricoh phone")
    driver.command("U1", "/visit", "Acme in person")
    driver.command("U1", "/visit", "Acme phone yesterday")
    driver.command("U1", "/visit", "today")
    text = reply_text(driver.last_ephemeral("U1"))
    assert "Today: 2 of 4 visits" in text
    assert text.count("Acme") == 1


def test_help_gives_examples_in_the_users_language(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", locale="zh-CN")
    rep(db, driver, "U2", locale="en-US")
    driver.command("U1", "/visit", "help")
    driver.command("U2", "/visit", "help")
    assert "/visit 理光 张总 面谈 确认需求 下一步: 下周三前发方案" in reply_text(driver.last_ephemeral("U1"))
    assert "/visit Ricoh with Zhang (decision maker) in person" in reply_text(driver.last_ephemeral("U2"))


def test_lang_overrides_the_slack_locale(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="en-US")
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", "lang zh")
    assert "用中文" in reply_text(driver.last_ephemeral("U1"))
    assert get(db, Person, me).lang == "zh"
    driver.command("U1", "/visit", "Ricoh phone")
    assert "已记录拜访" in reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/visit", "lang en")
    assert "English" in reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/visit", "lang klingon")
    assert "Usage" in reply_text(driver.last_ephemeral("U1"))


def test_a_line_without_a_channel_says_in_person_was_assumed(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", "Ricoh")
    assert "in person (assumed" in reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/visit", "Ricoh met Zhang")  # "met" says in person: nothing assumed
    assert "assumed" not in reply_text(driver.last_ephemeral("U1"))

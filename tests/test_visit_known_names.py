"""Known accounts and contacts read first, wherever they are in the line (issue 15), end to end:
through a signed `/visit`, the fake Slack, and the database."""

from __future__ import annotations

from sqlalchemy import update

from bot.visits.shared import visits_by_others
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, Visit
from tests.conftest import START, TEAM
from tests.visit_world import account, all_ok, buttons, contact, count, get, links, rep, reply_text
from tests.visit_world import visits as stored_visits


def test_a_channel_word_inside_a_name_is_part_of_the_name_and_the_typed_channel_wins(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1")
    coffee = account(db, me, "Fourth Coffee")
    dan = contact(db, coffee, "Dan Park", level=2)

    driver.command("U1", "/visit", "Fourth Coffee in person with Dan, next: send pricing by Fri")

    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.channel, visit.next_step) == (coffee, "in_person", "send pricing")
    assert count(db, Account) == 1  # no "Fourth" or "Coffee" account offered or made
    assert get(db, Contact, dan).relationship_level == 2  # not lifted to 3 as an "informal coffee"
    all_ok(driver)


def test_the_account_may_come_after_the_contact_and_chinese_sentences_are_read(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    wide = account(db, me, "Wide World", "Wide World Importers")
    olivia = contact(db, wide, "Olivia Hart", level=3)
    pingan = account(db, me, "中国平安")
    liu = contact(db, pingan, "刘洋", level=1)

    driver.command("U1", "/visit", "lunch with Olivia Hart (Wide World) about renewal")
    driver.command("U1", "/visit", "拜访了中国平安的刘总,下一步:周五前发方案")

    first, second = stored_visits(db)
    assert (first.account_id, first.channel) == (wide, "informal")
    assert [link.contact_id for link in links(db, first.id)] == [olivia]
    assert (second.account_id, second.channel, second.next_step) == (pingan, "in_person", "发方案")
    assert [link.contact_id for link in links(db, second.id)] == [liu]
    assert count(db, Account) == 2
    all_ok(driver)


def test_a_colleagues_account_is_logged_to_not_duplicated_and_its_owner_will_hear(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    alice = rep(db, driver, "U2", name="Alice")
    works = account(db, alice, "Adventure Works", "AdvWorks")
    ken = contact(db, works, "Ken Adams", level=2)

    driver.command("U1", "/visit", "AdvWorks call Ken, next: send deck by Fri")

    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.rep_id, visit.channel) == (works, me, "phone")
    assert [link.contact_id for link in links(db, visit.id)] == [ken]
    assert count(db, Account) == 1
    reply = reply_text(driver.last_ephemeral("U1"))
    assert "Alice's account" in reply and "next digest" in reply
    with db.transaction() as session:
        told = visits_by_others(session, visit.team_id, alice, START, visit.created_at.replace(year=9999))
    assert [(v.visit_id, v.account_name, v.rep_name) for v in told] == [(visit.id, "Adventure Works", "U1")]
    all_ok(driver)


def test_a_colleagues_contact_named_alone_neither_shows_nor_takes_the_colleagues_account(
    driver: Driver, db: Database
) -> None:
    """Only an account the rep names exactly is a colleague's to log to (`access_account_to_log`):
    a contact's name is not the account's, so it must not reveal which account of a colleague
    has that contact, nor put the rep's visit, level and dates on it."""
    me = rep(db, driver, "U1")
    alice = rep(db, driver, "U2", name="Alice")
    works = account(db, alice, "Adventure Works")
    ken = contact(db, works, "Ken Adams", level=2)
    zh_works = account(db, alice, "中国平安")
    liu = contact(db, zh_works, "刘洋", level=1)

    driver.command("U1", "/visit", "Tailspin Toys dinner with Ken Adams level 4 yesterday")
    first = reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/visit", "coffee with Ken Adams about renewal")
    second = reply_text(driver.last_ephemeral("U1"))
    driver.command("U1", "/visit", "昨天和刘洋吃饭")
    third = reply_text(driver.last_ephemeral("U1"))

    assert [v.account_id for v in stored_visits(db) if v.account_id in (works, zh_works)] == []
    assert (get(db, Contact, ken).relationship_level, get(db, Contact, liu).relationship_level) == (2, 1)
    for reply in (first, second, third):
        assert "Adventure Works" not in reply and "中国平安" not in reply and "Alice" not in reply
    # the rep's own contact of the same name is still recognised on its own
    mine = account(db, me, "Tailspin Toys")
    own_ken = contact(db, mine, "Ken Adams", level=1)
    driver.command("U1", "/visit", "coffee with Ken Adams about renewal")
    (visit,) = [v for v in stored_visits(db) if v.account_id == mine]
    assert [link.contact_id for link in links(db, visit.id)] == [own_ken]
    all_ok(driver)


def test_a_loose_contact_match_that_would_lower_a_level_asks_first(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "理光")
    wang = contact(db, ricoh, "王军", level=3)

    driver.command("U1", "/visit", "理光 面谈 王总 关系1")

    assert count(db, Visit) == 0
    assert get(db, Contact, wang).relationship_level == 3
    question = driver.last_ephemeral("U1")
    pick = next(b for b in buttons(question) if b["text"]["text"] == "王军")
    driver.click("U1", question, pick["action_id"])

    (visit,) = stored_visits(db)
    assert [link.contact_id for link in links(db, visit.id)] == [wang]
    assert get(db, Contact, wang).relationship_level == 1  # the rep confirmed it is him
    all_ok(driver)


def test_an_impossible_date_is_refused_with_the_reason_in_both_languages(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    zh = rep(db, driver, "U2", locale="zh-CN")
    account(db, me, "Fourth Coffee")
    account(db, zh, "理光")

    driver.command("U1", "/visit", "Fourth Coffee in person 32/13")
    driver.command("U2", "/visit", "理光 面谈 2月30日")

    assert count(db, Visit) == 0
    english = reply_text(driver.last_ephemeral("U1"))
    assert "“32/13” is not a date: there is no such month" in english
    assert "Fourth Coffee in person 32/13" in english  # the line is echoed back
    assert "这个月没有这一天" in reply_text(driver.last_ephemeral("U2"))
    all_ok(driver)


def test_names_added_after_the_index_was_built_are_found_and_archived_ones_are_not(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Contoso")
    driver.command("U1", "/visit", "Contoso call")  # builds the workspace's name index

    acme = account(db, me, "Acme Robotics")
    driver.command("U1", "/visit", "coffee with Zed (Acme Robotics)")
    assert [(v.account_id, v.channel) for v in stored_visits(db)][-1] == (acme, "informal")

    with db.transaction() as session:
        session.execute(update(Account).where(Account.id == acme).values(archived_at=START))
    driver.command("U1", "/visit", "Acme Robotics call with Zed")
    assert count(db, Visit) == 2  # not logged to the archived account
    assert "Acme Robotics" in reply_text(driver.last_ephemeral("U1"))
    all_ok(driver)


def test_a_small_typo_gets_a_suggestion(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    wide = account(db, me, "Wide World")

    driver.command("U1", "/visit", "Wide Wrld call with Olivia")

    assert count(db, Visit) == 0
    question = driver.last_ephemeral("U1")
    pick = next(b for b in buttons(question) if b["text"]["text"] == "Wide World")
    driver.click("U1", question, pick["action_id"])
    assert [v.account_id for v in stored_visits(db)] == [wide]
    all_ok(driver)


def test_the_index_can_be_built_ahead_of_the_first_line(driver: Driver, db: Database) -> None:
    from bot.visits.names import forget_indexes, name_index, warm_indexes

    me = rep(db, driver, "U1")
    golf = account(db, me, "Golf Bros")
    forget_indexes()
    warm_indexes(db.engine, [TEAM]).join(timeout=30)
    with db.transaction() as session:
        hits = name_index(session, TEAM).find("golf with Tom (golf-bros)")
    assert [(h.ids, h.key) for h in hits] == [((golf,), "golfbros")]

"""App Home "My visits" (issue 19): a page of the visits `/visit list` shows, Older / Newer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.analytics.home import home_state, read_home_state
from bot.people.members import actor_for
from bot.visits.ops import VisitInput, log_visit
from dev.driver import Driver
from storage.db import Database
from storage.models import Person
from tests.conftest import START
from tests.scheduler_world import dms
from tests.test_home import _home
from tests.test_pipeline_cmd import _text
from tests.test_visit_history import _edit_values
from tests.visit_world import account, all_ok, rep, reply_text, team


def _seed(db: Database, rep_id: int, account_id: int, n: int, tag: str) -> None:
    """`n` visits, some at the same minute (ties must not make a page skip or repeat one)."""
    with db.transaction() as session:
        person = session.get(Person, rep_id)
        assert person is not None
        actor = actor_for(person)
        for i in range(n):
            visit = VisitInput(
                account_id=account_id,
                channel="phone" if i % 2 else "in_person",
                occurred_at=START - timedelta(hours=(i // 3) * 5),
                purpose=f"{tag}-{i:02d} pricing",
            )
            logged = log_visit(session, actor, visit, now=START, request_key=None)
            _TAGS[logged.visit.id] = f"{tag}-{i:02d}"


def _shown(view: dict) -> list[str]:
    """The visits on the page, by the purpose tag of the visit each row's buttons act on."""
    ids = [int(m[1]) for b in view["blocks"] if (m := re.fullmatch(r"visit_(\d+)", str(b.get("block_id"))))]
    return [_TAGS[i] for i in ids]


_TAGS: dict[int, str] = {}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_rep_pages_through_45_visits_none_twice_none_skipped_nobody_elses(
    driver: Driver, db: Database, locale: str
) -> None:
    me = rep(db, driver, "U1", locale=locale)
    other = rep(db, driver, "U2")
    _seed(db, me, account(db, me, "Ricoh"), 45, "MIN")
    _seed(db, other, account(db, other, "Canon"), 12, "OTH")

    driver.open_home("U1")
    view, seen, pages = _home(driver, "U1"), [], 0
    while True:
        pages += 1
        assert len(view["blocks"]) <= 100
        seen += _shown(view)
        older = [e for b in view["blocks"] if b.get("type") == "actions" for e in b["elements"]]
        older = [e for e in older if e["action_id"] == "home_visits_older"]
        if not older:
            break
        driver.click("U1", view, "home_visits_older")
        view = _home(driver, "U1")
    assert pages == 5 and len(seen) == 45 and set(seen) == {f"MIN-{i:02d}" for i in range(45)}
    assert ("Older" if locale == "en-US" else "更早") not in str(view["blocks"][-3:])

    driver.click("U1", view, "home_visits_newer")  # back one page: the fourth
    back = _home(driver, "U1")
    assert _shown(back) == seen[30:40]
    assert ("My visits" if locale == "en-US" else "我的拜访") in str(back["blocks"])
    all_ok(driver)


def test_a_manager_sees_the_team_visits_with_who_logged_them(driver: Driver, db: Database) -> None:
    rep(db, driver, "UB", name="Mia")
    mine = rep(db, driver, "U1", name="Bo")
    stranger = rep(db, driver, "U2", name="Zed")
    team(db, driver, "UB", "U1")  # the admin's `/coach team @UB @U1`
    _seed(db, mine, account(db, mine, "Ricoh"), 3, "BOS")
    _seed(db, stranger, account(db, stranger, "Canon"), 3, "OTH")
    driver.open_home("UB")
    view = _home(driver, "UB")
    assert sorted(_shown(view)) == ["BOS-00", "BOS-01", "BOS-02"] and "My team's visits" in str(view["blocks"])
    assert "_Bo_" in str(view["blocks"])


def _id_of(tag: str) -> int:
    return next(i for i, known in _TAGS.items() if known == tag)


@pytest.mark.parametrize(
    ("locale", "done"), [("en-US", "Deleted: the visit to"), ("zh-CN", "已删除")], ids=["en", "zh"]
)
def test_delete_pressed_in_home_republishes_the_same_page_without_the_visit(
    driver: Driver, db: Database, locale: str, done: str
) -> None:
    me = rep(db, driver, "U1", locale=locale)
    _seed(db, me, account(db, me, "Ricoh"), 13, "DEL")
    driver.open_home("U1")
    driver.click("U1", _home(driver, "U1"), "home_visits_older")
    second = _home(driver, "U1")  # the second page: three visits
    shown = _shown(second)
    assert len(shown) == 3

    before = len(driver.fake.calls_to("views.publish"))
    driver.click("U1", second, "visit_delete", value=str(_id_of(shown[0])))
    assert len(driver.fake.calls_to("views.publish")) == before + 1
    assert _shown(_home(driver, "U1")) == shown[1:]  # still the second page, without the deleted visit
    assert done in str(dms(driver.fake, "U1")[-1].blocks)
    all_ok(driver)


@pytest.mark.parametrize(
    ("locale", "step", "shown"),
    [
        ("en-US", "send the renewal quote", "next: send the renewal quote"),
        ("zh-CN", "发续约报价", "下一步：发续约报价"),
    ],
    ids=["en", "zh"],
)
def test_an_edit_opened_from_home_republishes_it_once_saved(
    driver: Driver, db: Database, locale: str, step: str, shown: str
) -> None:
    me = rep(db, driver, "U1", locale=locale)
    _seed(db, me, account(db, me, "Ricoh"), 3, "EDT")
    driver.open_home("U1")
    home = _home(driver, "U1")
    driver.click("U1", home, "visit_edit", value=str(_id_of(_shown(home)[0])))
    form = driver.last_view()
    values = _edit_values(form, next_step=step)
    values["next_due_date"]["visit_due_date"]["selected_date"] = "2026-11-27"
    before = len(driver.fake.calls_to("views.publish"))
    response = driver.submit("U1", form, values)
    assert response.status == 200 and not response.body
    assert len(driver.fake.calls_to("views.publish")) == before + 1
    assert shown in _text(_home(driver, "U1"))
    all_ok(driver)


def test_a_delete_from_visit_list_leaves_the_home_tab_alone(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    _seed(db, me, account(db, me, "Ricoh"), 2, "LST")
    driver.command("U1", "/visit", "list")
    listed = driver.last_ephemeral("U1")
    driver.click("U1", listed, "visit_delete", value=str(_id_of("LST-00")))
    assert "Deleted: the visit to" in reply_text(driver.last_ephemeral("U1"))
    assert driver.fake.calls_to("views.publish") == []


def test_the_home_state_reads_its_mode_and_page_and_older_tabs() -> None:
    assert read_home_state(home_state("team", 20)) == ("team", 20)
    assert read_home_state("me") == ("me", 0)  # a tab published before the page was kept
    assert read_home_state("boss:-5") == (None, 0) and read_home_state(None) == (None, 0)

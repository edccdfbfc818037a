"""Bad input gets a clear ephemeral that says what was and was not understood, with the rep's
text given back; an unreachable database gets an apology and the text, never silence."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.web import WebApp
from storage.db import Database
from storage.models import Account, Contact, FollowUp, Visit
from tests.conftest import SECRET, TEAM
from tests.visit_world import account, all_ok, count, follow_ups, rep, reply_text
from tests.visit_world import visits as stored_visits


def _quoted(message: dict) -> str:
    """The rep's text as echoed back: the code blocks of the reply, joined."""
    parts = []
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if block["type"] == "section" and text.startswith("```") and text.endswith("```"):
            parts.append(text[3:-3])
    return "".join(parts).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _nothing_stored(db: Database) -> None:
    assert [count(db, m) for m in (Visit, Contact, FollowUp)] == [0, 0, 0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (";;; ...", "which account"),
        ("yesterday", "which account"),
        ("Ricoh 2031-01-01", "more than a year ahead"),
        ("Ricoh in person; next: send samples 2031-06-01", "more than a year ahead"),
        ("Ricoh phone today 11pm", "in the future"),
    ],
)
def test_lines_that_cannot_be_stored_are_explained_and_echoed(
    driver: Driver, db: Database, text: str, says: str
) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", text)
    reply = driver.last_ephemeral("U1")
    assert says in reply_text(reply)
    assert _quoted(reply) == text
    assert count(db, Visit) == 0 and count(db, FollowUp) == 0
    all_ok(driver)


def test_only_a_date_says_what_was_understood(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1", locale="zh-CN")
    driver.command("U1", "/visit", "昨天")
    text = reply_text(driver.last_ephemeral("U1"))
    assert "看不出拜访的是哪个客户" in text and "日期：昨天 → 2026年11月22日 周日" in text
    _nothing_stored(db)


def test_unknown_words_are_offered_as_a_new_account_and_nothing_is_created(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", "blorp zzkx qwv")
    reply = driver.last_ephemeral("U1")
    assert "I don't know an account called “blorp zzkx qwv”" in reply_text(reply)
    assert _quoted(reply) == "blorp zzkx qwv"
    assert count(db, Account) == 1
    _nothing_stored(db)


def test_text_over_3000_characters_is_refused_and_given_back_whole(driver: Driver, db: Database) -> None:
    rep(db, driver, "U1")
    text = "Ricoh in person: " + "需求<&>" * 700
    assert len(text) > 3000
    driver.command("U1", "/visit", text)
    reply = driver.last_ephemeral("U1")
    assert "longer than 3000 characters" in reply_text(reply)
    assert _quoted(reply) == text
    _nothing_stored(db)
    all_ok(driver)


def test_unbalanced_brackets_are_reported_and_the_rest_is_stored(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Ricoh")
    text = "Ricoh with Zhang (decision maker in person: budget ok; next: call by Fri"
    driver.command("U1", "/visit", text)
    (visit,) = stored_visits(db)
    assert visit.channel == "in_person" and visit.next_step == "call"
    reply = driver.last_ephemeral("U1")
    assert "an unmatched “(”" in reply_text(reply) and "decision maker" in reply_text(reply)
    assert _quoted(reply) == text


def test_emoji_are_ignored_and_reported(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    driver.command("U1", "/visit", "Ricoh 🎉 with Zhang 👍 phone")
    (visit,) = stored_visits(db)
    assert visit.account_id == ricoh and visit.channel == "phone"
    with db.transaction() as session:
        assert [c.name for c in session.query(Contact)] == ["Zhang"]
    assert "“👍”: ignored" in reply_text(driver.last_ephemeral("U1"))


def test_mixed_scripts_in_one_line(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh", "理光")
    driver.command("U1", "/visit", "理光 with Zhang 电话: pricing 报价; next: 发方案 by Friday")
    (visit,) = stored_visits(db)
    assert (visit.account_id, visit.channel, visit.purpose, visit.next_step) == (
        ricoh,
        "phone",
        "pricing 报价",
        "发方案",
    )
    assert [f.text for f in follow_ups(db)] == ["发方案"]


def test_slack_escaped_characters_are_read_as_typed(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "AT&T")
    driver.command("U1", "/visit", "AT&amp;T phone: price &lt; 10k")
    (visit,) = stored_visits(db)
    assert visit.purpose == "price < 10k" and visit.raw_text == "AT&T phone: price < 10k"


# ----- the database cannot be reached ----------------------------------------------------------
def _unreachable_url(tmp_path) -> str:
    base = os.environ.get("TEST_DATABASE_URL", "sqlite")
    if base.startswith("postgresql"):
        return "postgresql+psycopg://postgres@127.0.0.1:1/unreachable"  # nothing listens on port 1
    return f"sqlite:///{tmp_path}/no/such/dir/pipeline.db"


@pytest.fixture
def down_driver(fake_slack: FakeSlack, clock: ManualClock, tmp_path) -> Iterator[Driver]:
    url = _unreachable_url(tmp_path)
    settings = Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=url,
        scheduler_enabled=False,
    )
    executor = TrackingExecutor()
    app = build_app(
        settings,
        db=Database(url, connect_args={"connect_timeout": 2}) if "postgresql" in url else Database(url),
        clock=clock,
        executor=executor,
    )
    server = LocalServer(WebApp(app))
    yield Driver(
        app, fake_slack, signing_secret=SECRET, team_id=TEAM, executor=executor, url=f"{server.url}/slack/events"
    )
    executor.wait_idle(10)
    server.stop()
    executor.shutdown(wait=False)


def test_database_unreachable_apologises_in_the_users_language_and_echoes(down_driver: Driver) -> None:
    down_driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai", locale="zh-CN")
    text = "理光 张总 面谈 确认需求 下一步: 下周三前发方案"
    response = down_driver.command("U1", "/visit", text)
    assert response.status == 200  # acked at once, before the database was tried
    reply = down_driver.last_ephemeral("U1")
    assert "数据库暂时无法连接" in reply_text(reply)
    assert _quoted(reply) == text
    all_ok(down_driver)


def test_database_unreachable_after_a_button_click(down_driver: Driver) -> None:
    down_driver.fake.add_user("U1", "Ann")
    message = {
        "type": "message",
        "ts": "1.2",
        "text": "x",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "visit_create_account",
                        "text": {"type": "plain_text", "text": "Create"},
                        "value": '{"t":"Acme phone","k":"cmd:1"}',
                    }
                ],
            }
        ],
    }
    down_driver.click("U1", message, "visit_create_account")
    reply = down_driver.last_ephemeral("U1")
    assert "can't reach the database" in reply_text(reply) and _quoted(reply) == "Acme phone"

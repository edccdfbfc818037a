"""Signed requests reach the app; unsigned, mis-signed and stale ones get 401 and touch nothing."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from dev import slack_requests as sr
from dev.driver import Driver
from storage.db import Database
from storage.models import Person, Workspace
from tests.conftest import SECRET, TEAM


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _command(driver: Driver, text: str = "help") -> bytes:
    return sr.command_form(
        command="/coach",
        text=text,
        user_id="U1",
        team_id=TEAM,
        channel_id="C0000GENERAL",
        response_url=driver.fake.response_url("U1"),
    )


def test_signed_command_is_answered_in_the_users_language(driver: Driver, db: Database) -> None:
    driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai", locale="zh-CN")
    response = driver.command("U1", "/coach", "help")
    assert response.status == 200
    reply = driver.last_ephemeral("U1")
    assert "管理命令" in reply["text"]
    assert _count(db, Workspace) == 1
    with db.transaction() as session:
        person = session.scalars(select(Person)).one()
        assert (person.tz, person.locale, person.role) == ("Asia/Shanghai", "zh-CN", "admin")


def test_wrong_signature_is_401_and_nothing_is_stored(driver: Driver, db: Database) -> None:
    body = _command(driver)
    assert driver.url is not None
    result = sr.post_signed(driver.url, body, sr.FORM, "not-the-secret")
    assert result.status == 401
    driver.wait_idle()
    assert _count(db, Workspace) == 0
    assert [c.method for c in driver.fake.calls if c.method != "auth.test"] == []


def test_stale_timestamp_is_401(driver: Driver, db: Database) -> None:
    body = _command(driver)
    assert driver.url is not None
    result = sr.post_signed(driver.url, body, sr.FORM, SECRET, timestamp=int(time.time()) - 6 * 60)
    assert result.status == 401
    assert _count(db, Workspace) == 0


def test_missing_signature_is_401(driver: Driver) -> None:
    import urllib.error
    import urllib.request

    assert driver.url is not None
    request = urllib.request.Request(
        driver.url, data=_command(driver), headers={"Content-Type": sr.FORM}, method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 401


def test_replayed_body_with_new_timestamp_is_401(driver: Driver, db: Database) -> None:
    body = _command(driver)
    old = sr.sign(SECRET, body, int(time.time()) - 10)
    fresh_ts = str(int(time.time()))
    headers = {
        "Content-Type": sr.FORM,
        "X-Slack-Request-Timestamp": fresh_ts,
        "X-Slack-Signature": old["X-Slack-Signature"],
    }
    import urllib.error
    import urllib.request

    assert driver.url is not None
    request = urllib.request.Request(driver.url, data=body, headers=headers, method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 401
    assert _count(db, Workspace) == 0


def test_role_needs_admin_and_keeps_one_admin(driver: Driver, db: Database) -> None:
    driver.fake.add_user("U1", "Ann")
    driver.fake.add_user("U2", "Bo")
    driver.command("U1", "/coach", "help")  # first user: admin
    driver.command("U2", "/coach", "role <@U2|bo> admin")
    assert "only a workspace admin" in driver.last_ephemeral("U2")["text"].lower()
    driver.command("U1", "/coach", "role <@U1|ann> rep")
    assert "last admin" in driver.last_ephemeral("U1")["text"]
    driver.command("U1", "/coach", "role <@U2|bo> manager")
    assert "manager" in driver.last_ephemeral("U1")["text"]
    with db.transaction() as session:
        roles = dict(session.execute(select(Person.slack_user_id, Person.role)).all())
    assert roles == {"U1": "admin", "U2": "manager"}

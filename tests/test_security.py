"""Request authenticity beyond tests/test_requests_and_signing.py, and once-only effects:
Events API retries, double-clicked buttons and double-submitted modals (one after the other,
and at the same moment) never create a second visit, deal move or follow-up."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from dev import slack_requests as sr
from dev.driver import Driver, Response
from storage.db import Database
from storage.models import Account, Deal, EventReceipt, FollowUp, Person, StageChange, Visit, Workspace
from tests.conftest import SECRET, START, TEAM
from tests.scheduler_world import deal
from tests.visit_world import account


def _count(db: Database, model: type, *where: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


# ----- authenticity ---------------------------------------------------------------------------
def _signed_headers(body: bytes, **override: str) -> dict[str, str]:
    return {"Content-Type": sr.FORM, **sr.sign(SECRET, body), **override}


def _command(driver: Driver) -> bytes:
    return sr.command_form(
        command="/visit",
        text="Ricoh phone: pricing",
        user_id="U1",
        team_id=TEAM,
        channel_id="C1",
        response_url=driver.fake.response_url("U1"),
    )


@pytest.mark.parametrize(
    "tamper",
    [
        "body changed after signing",
        "timestamp in the future",
        "signature version v1",
        "timestamp not a number",
        "empty signature",
    ],
)
def test_requests_that_are_not_exactly_what_slack_signed_are_401_and_do_nothing(
    driver: Driver, db: Database, tamper: str
) -> None:
    assert driver.url is not None
    body = _command(driver)
    headers = _signed_headers(body)
    if tamper == "body changed after signing":
        body = body.replace(b"pricing", b"pricinG")
    elif tamper == "timestamp in the future":
        headers = _signed_headers(body) | sr.sign(SECRET, body, int(time.time()) + 6 * 60)
    elif tamper == "signature version v1":
        headers["X-Slack-Signature"] = "v1=" + headers["X-Slack-Signature"][3:]
    elif tamper == "timestamp not a number":
        headers["X-Slack-Request-Timestamp"] = "soon"
    else:
        headers["X-Slack-Signature"] = ""
    assert _post(driver.url, body, headers) == 401
    driver.wait_idle()
    assert _count(db, Workspace) == 0
    assert [c.method for c in driver.fake.calls if c.method != "auth.test"] == []


def test_unsigned_events_and_interactions_are_401(driver: Driver, db: Database) -> None:
    assert driver.url is not None
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}).encode()
    event = json.dumps(sr.event_envelope(team_id=TEAM, event={"type": "app_uninstalled"})).encode()
    click = sr.interaction_form(
        sr.block_actions(
            team_id=TEAM,
            user_id="U1",
            action={"action_id": "deal_won", "value": '{"a":"won","d":1}'},
            response_url=None,
        )
    )
    for body, kind in ((challenge, sr.JSON), (event, sr.JSON), (click, sr.FORM)):
        headers = {"Content-Type": kind, **sr.sign("another-apps-secret", body)}
        assert _post(driver.url, body, headers) == 401
    driver.wait_idle()
    assert _count(db, Workspace) == 0 and _count(db, EventReceipt) == 0


def test_signed_url_verification_is_answered(driver: Driver) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"}).encode()
    response = driver.send(body, sr.JSON)
    assert response.status == 200 and "c-123" in response.body


def test_oauth_pages_do_not_exist_in_token_mode(driver: Driver) -> None:
    assert driver.url is not None
    base = driver.url.removesuffix("/slack/events")
    for path in ("/slack/install", "/slack/oauth_redirect?code=x&state=y"):
        try:
            urllib.request.urlopen(f"{base}{path}", timeout=5)
            status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == 404, path


# ----- once only ------------------------------------------------------------------------------
def _both(send: Any) -> list[Response]:
    """Send the same thing twice at the same moment (a double click reaching two threads)."""
    with ThreadPoolExecutor(2) as pool:
        return [f.result() for f in [pool.submit(send) for _ in range(2)]]


def test_an_event_retried_by_slack_is_handled_once(driver: Driver, db: Database) -> None:
    driver.fake.add_user("U1", "Ann")
    driver.command("U1", "/coach", "help")
    home = {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}
    driver.event(home, event_id="EvHome1")
    published = len(driver.fake.calls_to("views.publish"))
    assert published >= 1
    assert driver.event(home, event_id="EvHome1", headers={"X-Slack-Retry-Num": "1"}).status == 200
    assert _both(lambda: driver.event(home, event_id="EvHome1", headers={"X-Slack-Retry-Num": "2"}))
    assert len(driver.fake.calls_to("views.publish")) == published
    driver.event(home, event_id="EvHome2")  # a new event is handled
    assert len(driver.fake.calls_to("views.publish")) == published + 1
    assert _count(db, EventReceipt) == 2


def _question(driver: Driver, user: str, line: str) -> dict[str, Any]:
    driver.command(user, "/visit", line)
    message = driver.last_ephemeral(user)
    assert any(b.get("type") == "actions" for b in message["blocks"]), message["text"]
    return message


@pytest.mark.parametrize("timing", ["one after the other", "at the same moment"])
def test_a_double_clicked_answer_stores_one_visit_one_account_one_follow_up(
    driver: Driver, db: Database, timing: str
) -> None:
    driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai")
    line = "Brandnewco with Li: demo; next: call back tomorrow 10am"
    message = _question(driver, "U1", line)

    def click() -> Response:
        return driver.click("U1", message, "visit_create_account")

    statuses = [click().status, click().status] if timing == "one after the other" else [r.status for r in _both(click)]
    assert statuses == [200, 200]
    driver.wait_idle()
    assert _count(db, Visit) == 1
    assert _count(db, Account, Account.name == "Brandnewco") == 1
    assert _count(db, FollowUp) == 1


@pytest.mark.parametrize("timing", ["one after the other", "at the same moment"])
def test_a_double_submitted_visit_form_stores_one_visit(driver: Driver, db: Database, timing: str) -> None:
    driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai")
    driver.command("U1", "/visit", "help")
    with db.transaction() as session:
        rep = session.scalars(select(Person)).one()
    account_id = account(db, rep.id, "Ricoh")
    driver.command("U1", "/visit", "")
    view = driver.last_view()
    assert view["callback_id"] == "visit_form"
    values = {
        "account": {"visit_account": {"type": "external_select", "selected_option": {"value": f"a:{account_id}"}}},
        "channel": {"visit_channel": {"type": "static_select", "selected_option": {"value": "in_person"}}},
        "date": {"visit_date": {"type": "datepicker", "selected_date": "2026-11-23"}},
        "purpose": {"visit_purpose": {"type": "plain_text_input", "value": "needs analysis"}},
        "next_step": {"visit_next_step": {"type": "plain_text_input", "value": "send the quote"}},
        "next_due_date": {"visit_due_date": {"type": "datepicker", "selected_date": "2026-11-25"}},
    }

    def submit() -> Response:
        return driver.submit("U1", view, values)

    statuses = (
        [submit().status, submit().status] if timing == "one after the other" else [r.status for r in _both(submit)]
    )
    assert statuses == [200, 200]
    driver.wait_idle()
    assert _count(db, Visit) == 1
    assert _count(db, FollowUp) == 1


def test_a_double_submitted_follow_up_form_adds_one_follow_up(driver: Driver, db: Database) -> None:
    driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai")
    message = _question(driver, "U1", "Followupco with Li: demo")
    driver.click("U1", message, "visit_create_account")
    logged = driver.last_ephemeral("U1")
    before = _count(db, FollowUp)
    driver.click("U1", logged, "visit_add_follow_up")
    view = driver.last_view()
    assert view["callback_id"] == "visit_follow_up"
    values = {
        "fu_text": {"visit_fu_text": {"type": "plain_text_input", "value": "send brochure"}},
        "fu_date": {"visit_fu_date": {"type": "datepicker", "selected_date": "2026-11-26"}},
    }
    assert [r.status for r in _both(lambda: driver.submit("U1", view, values))] == [200, 200]
    driver.submit("U1", view, values)
    driver.wait_idle()
    assert _count(db, FollowUp) == before + 1


@pytest.mark.parametrize("timing", ["one after the other", "at the same moment"])
def test_a_double_clicked_stage_move_moves_once(driver: Driver, db: Database, timing: str) -> None:
    driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai")
    driver.command("U1", "/deal", "help")
    with db.transaction() as session:
        rep = session.scalars(select(Person)).one()
    deal(db, TEAM, rep.id, account(db, rep.id, "Ricoh"), "S", START)
    driver.command("U1", "/deal", "Ricoh Copiers")
    card = driver.last_ephemeral("U1")

    def click() -> Response:
        return driver.click("U1", card, "deal_next")

    statuses = [click().status, click().status] if timing == "one after the other" else [r.status for r in _both(click)]
    assert statuses == [200, 200]
    driver.wait_idle()
    with db.transaction() as session:
        moves = session.scalars(select(StageChange.to_stage).where(StageChange.from_stage.is_not(None))).all()
        stage = session.scalar(select(Deal.stage_key))
    assert moves == ["P"] and stage == "P"

"""The helpers several areas share, each written once: the dialect's INSERT … ON CONFLICT DO
NOTHING, a workspace's stages, caching a person's Slack profile, and the listener contract
(every command answers, even when the database is down while resolving who is acting)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from bot import analytics as an
from bot.core.actor import Actor
from bot.deals.stages import load_funnel
from bot.people.members import do_refresh_profile, ensure_person, ensure_workspace
from dev.driver import Driver
from storage.db import Database
from storage.models import EventReceipt, Person, Stage
from storage.queries.sql import insert_ignoring_conflict
from tests.test_visit_bad_input import _quoted, down_driver  # noqa: F401  (a fixture)
from tests.visit_world import reply_text

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TEAM = "T1"


def test_insert_ignoring_conflict_creates_a_row_once_and_says_which_call_did(db: Database) -> None:
    row = {"team_id": TEAM, "event_id": "Ev01", "received_at": NOW}
    key = ["team_id", "event_id"]
    with db.transaction() as session:
        first = session.execute(
            insert_ignoring_conflict(session, EventReceipt, row, key=key).returning(EventReceipt.event_id)
        ).scalar()
        again = session.execute(
            insert_ignoring_conflict(session, EventReceipt, row, key=key).returning(EventReceipt.event_id)
        ).scalar()
    assert (first, again) == ("Ev01", None)
    batch = [{"team_id": TEAM, "event_id": f"Ev0{i}", "received_at": NOW} for i in (1, 2, 3)]
    with db.transaction() as session:  # several rows, one already there: the others still go in
        session.execute(insert_ignoring_conflict(session, EventReceipt, batch, key=key))
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(EventReceipt)) == 3


def test_one_stage_record_for_deals_and_analytics(db: Database) -> None:
    with db.transaction() as session:
        ensure_workspace(session, TEAM, NOW)
        first = session.scalars(select(Stage).where(Stage.team_id == TEAM).order_by(Stage.position)).first()
        assert first is not None
        session.execute(update(Stage).where(Stage.id == first.id).values(is_active=False))  # retired
    with db.transaction() as session:
        funnel = load_funnel(session, TEAM)
        active = an.load_stages(session, TEAM)
        everything = an.load_stages(session, TEAM, include_retired=True)
    assert funnel.stages[-1].key == first.key and not funnel.stages[-1].is_active  # retired last
    assert funnel.active == active  # the same records, equal field by field
    assert first.key not in {s.key for s in active} and everything[0].key == first.key
    assert all(isinstance(s.probability, Decimal) for s in everything)
    assert any(s.exit_criteria for s in funnel.active)  # the deal rules still see exit criteria


@pytest.mark.parametrize(
    ("user", "name"),
    [
        ({"name": "ann", "real_name": "Ann Lee", "profile": {"display_name": "Annie"}}, "Annie"),
        ({"name": "wang", "real_name": "王芳", "profile": {"display_name": ""}}, "王芳"),
        ({"name": "bob", "profile": {}}, "bob"),
    ],
)
def test_a_profile_from_users_info_names_the_person_as_slack_shows_them(db: Database, user: dict, name: str) -> None:
    with db.transaction() as session:
        person = ensure_person(session, TEAM, "U1", NOW)
        actor = Actor(team_id=TEAM, user_id="U1", person_id=person.id)
    user = {**user, "tz": "Asia/Shanghai", "locale": "zh-CN"}
    refreshed = do_refresh_profile(db, actor, user, NOW)
    assert (refreshed.name, refreshed.tz, refreshed.lang) == (name, "Asia/Shanghai", "zh")
    with db.transaction() as session:
        stored = session.get(Person, person.id)
        assert stored is not None and stored.profile_fetched_at is not None


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/deal", "理光 张总 报价 12万 下周签 & <urgent>"),
        ("/pipeline", "me 本季度"),
        ("/checkin", "off until friday"),
        ("/coach", "target @bob 300k Q3"),
    ],
)
def test_every_command_answers_when_the_database_is_down_while_finding_the_user(
    down_driver: Driver,  # noqa: F811
    command: str,
    text: str,
) -> None:
    down_driver.fake.add_user("U1", "Ann", tz="Asia/Shanghai", locale="zh-CN")
    response = down_driver.command("U1", command, text)
    assert response.status == 200
    reply = down_driver.last_ephemeral("U1")
    assert "数据库暂时无法连接" in reply_text(reply)  # in the Slack locale: the database cannot say
    assert _quoted(reply) == text.strip()


def test_a_calendar_address_is_never_echoed_back(down_driver: Driver) -> None:  # noqa: F811
    down_driver.fake.add_user("U1", "Ann")
    secret = "https://calendar.example.com/private-5f2c9a/basic.ics"
    down_driver.command("U1", "/coach", f"calendar {secret}")
    reply = down_driver.last_ephemeral("U1")
    assert "private-5f2c9a" not in str(reply) and _quoted(reply) == ""

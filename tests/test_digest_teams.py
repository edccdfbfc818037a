"""Teams, targets and 5+5+5 tiers: `/coach team`, `/coach target`, `/coach tier`.

Admins decide who manages whom (by hand or from a Slack user group), managers set targets for
their reps, reps name their own 5+5+5; whoever may not gets a polite refusal and nothing
changes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dev.driver import Driver
from dev.fake_slack import FakeSlack
from storage.db import Database
from storage.models import Person, SalesTeam
from tests.conftest import START
from tests.digest_world import World


@pytest.fixture
def org(db: Database, fake_slack: FakeSlack) -> dict[str, int]:
    """An admin (Ann, who founded the workspace), a manager (Mia) with two reps (Bo, 王芳) put
    in her team by Ann, and a rep in no team (Cy)."""
    with db.transaction() as session:
        world = World(session, START)
        ann = world.person("UADMIN", "Ann", role="admin")
        mia = world.person("UMGR", "Mia", role="manager")
        bo = world.person("UR1", "Bo", manager=mia)
        fang = world.person("UR2", "王芳", manager=mia, locale="zh-CN")
        cy = world.person("UR3", "Cy")
        return {p.slack_user_id: p.id for p in (ann, mia, bo, fang, cy)}


def _managers(db: Database) -> dict[str, str | None]:
    with db.transaction() as session:
        people = {p.id: p for p in session.scalars(select(Person))}
        return {
            p.slack_user_id: (people[p.manager_id].slack_user_id if p.manager_id else None) for p in people.values()
        }


def _ok_calls(fake: FakeSlack) -> None:
    bad = [c for c in fake.calls if not c.response.get("ok")]
    assert not bad, [(c.method, c.response) for c in bad]


# ----- teams ------------------------------------------------------------------------------------


def test_admin_sets_who_manages_whom_and_the_digest_channel(driver: Driver, db: Database, org) -> None:
    driver.fake.add_user("UNEW", "Dan")
    driver.command("UADMIN", "/coach", "team <@UMGR|mia> <@UR3|cy> <@UNEW> <#CSALES|sales>")
    reply = driver.last_ephemeral("UADMIN")["text"]
    assert "Mia" in reply and "4 reps" in reply
    managers = _managers(db)
    assert managers["UR3"] == "UMGR" and managers["UNEW"] == "UMGR" and managers["UR1"] == "UMGR"
    with db.transaction() as session:
        team = session.scalars(select(SalesTeam)).one()
        assert (team.digest_channel_id, team.manager_id) == ("CSALES", org["UMGR"])
        dan = session.scalars(select(Person).where(Person.slack_user_id == "UNEW")).one()
        assert dan.name == "Dan"  # fetched once so the digests can name him
    _ok_calls(driver.fake)


def test_a_rep_named_as_manager_becomes_one(driver: Driver, db: Database, org) -> None:
    driver.command("UADMIN", "/coach", "team <@UR3> <@UR1>")
    with db.transaction() as session:
        role = session.scalar(select(Person.role).where(Person.slack_user_id == "UR3"))
    assert role == "manager"
    assert _managers(db)["UR1"] == "UR3"


def test_nobody_manages_their_own_manager(driver: Driver, db: Database, org) -> None:
    before = _managers(db)
    driver.command("UADMIN", "/coach", "team <@UR1> <@UMGR>")
    assert "cannot manage" in driver.last_ephemeral("UADMIN")["text"]
    driver.command("UADMIN", "/coach", "team <@UR1> <@UR1>")
    assert "cannot manage" in driver.last_ephemeral("UADMIN")["text"]
    assert _managers(db) == before


def test_a_user_group_defines_the_team(driver: Driver, db: Database, org) -> None:
    driver.fake.usergroups["S0EAST"] = ["UR1", "UR3", "UMGR"]
    driver.command("UADMIN", "/coach", "team <@UMGR> <!subteam^S0EAST|@east>")
    managers = _managers(db)
    assert managers["UR1"] == "UMGR" and managers["UR3"] == "UMGR"
    assert managers["UR2"] is None  # no longer in the group: no longer in the team
    assert managers["UMGR"] is None  # the manager is not their own report
    with db.transaction() as session:
        assert session.scalars(select(SalesTeam.usergroup_id)).one() == "S0EAST"
    assert [c.params["usergroup"] for c in driver.fake.calls_to("usergroups.users.list")] == ["S0EAST"]


def test_an_unknown_user_group_changes_nothing(driver: Driver, db: Database, org) -> None:
    before = _managers(db)
    driver.command("UADMIN", "/coach", "team <@UMGR> <!subteam^S0NOPE|@nope>")
    reply = driver.last_ephemeral("UADMIN")["text"]
    # The text is echoed, escaped: echoing the group mention live would notify the whole group.
    assert "no_such_subteam" in reply and "&lt;!subteam^S0NOPE|@nope&gt;" in reply
    assert _managers(db) == before


def test_reps_cannot_change_teams_or_read_them(driver: Driver, db: Database, org) -> None:
    before = _managers(db)
    driver.command("UR1", "/coach", "team <@UR1> <@UR2>")
    assert "only a workspace admin" in driver.last_ephemeral("UR1")["text"]
    driver.command("UR1", "/coach", "team <@UMGR> <!subteam^S0EAST|@east>")
    assert not driver.fake.calls_to("usergroups.users.list")  # refused before asking Slack
    driver.command("UR1", "/coach", "team")
    assert "only managers and admins" in driver.last_ephemeral("UR1")["text"]
    driver.command("UR2", "/coach", "team")
    assert "只有经理和管理员" in driver.last_ephemeral("UR2")["text"]
    assert _managers(db) == before


def test_a_manager_points_their_own_digests_at_a_channel_but_not_others(driver: Driver, db: Database, org) -> None:
    driver.command("UMGR", "/coach", "team channel <#CEAST|east>")
    assert "<#CEAST>" in driver.last_ephemeral("UMGR")["text"]
    driver.command("UMGR", "/coach", "team <@UR3> <#COTHER|other>")
    assert "only a workspace admin" in driver.last_ephemeral("UMGR")["text"]  # a manager is told who can
    driver.command("UMGR", "/coach", "team name 华东组")
    with db.transaction() as session:
        team = session.scalars(select(SalesTeam)).one()
        assert (team.digest_channel_id, team.name) == ("CEAST", "华东组")
    driver.command("UMGR", "/coach", "team")
    text = driver.last_ephemeral("UMGR")["text"]
    assert "华东组" in text and "2 reps" in text


def test_remove_takes_reps_out_of_their_team(driver: Driver, db: Database, org) -> None:
    driver.command("UADMIN", "/coach", "team remove <@UR1>")
    assert "<@UR1>" in driver.last_ephemeral("UADMIN")["text"]
    assert _managers(db)["UR1"] is None

"""Targets and 5+5+5 tiers: `/coach target @rep 500k Q1` (managers) and `/coach tier Ricoh grow`
(each rep for their own accounts); whoever may not gets a polite refusal and nothing changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.accounts.create import create_account
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Person, Target
from tests.conftest import START, TEAM
from tests.test_digest_teams import _ok_calls
from tests.test_digest_teams import org as org  # the admin, Mia's team (Bo, 王芳) and Cy, as a fixture

# ----- targets ----------------------------------------------------------------------------------


def _targets(db: Database) -> list[tuple[str, date, date, str, Decimal]]:
    with db.transaction() as session:
        rows = session.execute(
            select(Person.slack_user_id, Target.period_start, Target.period_end, Target.label, Target.amount)
            .join(Person, Person.id == Target.person_id)
            .order_by(Target.period_start)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_manager_sets_a_reps_target(driver: Driver, db: Database, org) -> None:
    driver.command("UMGR", "/coach", "target <@UR1|bo> 500k Q1")
    saved = driver.last_ephemeral("UMGR")["text"]
    assert "Q1 2027" in saved  # typed in November: the coming Q1
    assert saved.startswith("Target for Bo, Q1 2027") and "UR1" not in saved  # the name, not the user id
    driver.command("UMGR", "/coach", "target <@UR2> 80万 12月")
    driver.command("UMGR", "/coach", "target <@UR1> 600k Q1")  # replaces
    assert _targets(db) == [
        ("UR2", date(2026, 12, 1), date(2026, 12, 31), "2026-12", Decimal("800000.00")),
        ("UR1", date(2027, 1, 1), date(2027, 3, 31), "Q1 2027", Decimal("600000.00")),
    ]
    driver.command("UMGR", "/coach", "target")
    listing = driver.last_ephemeral("UMGR")["text"]
    assert "Bo" in listing and "600k" in listing and "王芳" in listing and "800k" in listing


def test_without_a_period_the_target_is_for_this_quarter(driver: Driver, db: Database, org) -> None:
    driver.command("UMGR", "/coach", "target <@UR1> 1.2M")
    assert _targets(db) == [("UR1", date(2026, 10, 1), date(2026, 12, 31), "Q4 2026", Decimal("1200000.00"))]


def test_targets_only_by_the_reps_manager(driver: Driver, db: Database, org) -> None:
    driver.command("UR1", "/coach", "target <@UR2> 500k Q1")
    assert "only managers and admins" in driver.last_ephemeral("UR1")["text"]
    driver.command("UR1", "/coach", "target <@UR1> 5M Q1")
    assert "only managers and admins" in driver.last_ephemeral("UR1")["text"]
    driver.command("UMGR", "/coach", "target <@UR3> 500k Q1")  # not Mia's rep
    assert "only managers and admins" in driver.last_ephemeral("UMGR")["text"]
    driver.command("UMGR", "/coach", "target <@UMGR> 500k Q1")  # not her own either
    assert "only managers and admins" in driver.last_ephemeral("UMGR")["text"]
    assert _targets(db) == []
    driver.command("UADMIN", "/coach", "target <@UMGR> 2M 2027")
    assert _targets(db) == [("UMGR", date(2027, 1, 1), date(2027, 12, 31), "2027", Decimal("2000000.00"))]


def test_an_unreadable_target_shows_the_usage_and_the_text(driver: Driver, db: Database, org) -> None:
    driver.command("UMGR", "/coach", "target <@UR1> lots Q9")
    reply = driver.last_ephemeral("UMGR")["text"]
    assert "Usage: `/coach target" in reply and "lots Q9" in reply
    assert _targets(db) == []


# ----- tiers ------------------------------------------------------------------------------------


def _accounts(db: Database, owner: str, *names: str, status: str = "has_business") -> None:
    """`owner`'s accounts, as /visit, /deal and the CSV import create them."""
    with db.transaction() as session:
        owner_id = session.scalar(select(Person.id).where(Person.slack_user_id == owner))
        for name in names:
            account = create_account(session, TEAM, name, owner_id, START)
            account.business_status = status  # Direct: only the CSV import sets the business status.


def _tiers(db: Database) -> dict[str, tuple[str | None, Decimal | None]]:
    with db.transaction() as session:
        return {a.name: (a.tier, a.tier_expected) for a in session.scalars(select(Account))}


def test_a_rep_names_their_5_5_5(driver: Driver, db: Database, org) -> None:
    _accounts(db, "UR1", "Ricoh", "Canon")
    driver.command("UR1", "/coach", "tier Ricoh grow 200k")
    assert "*Ricoh* is now in your *a lot of business* slot, expecting 200k" in driver.last_ephemeral("UR1")["text"]
    driver.command("UR1", "/coach", "tier canon 开拓")
    assert _tiers(db) == {"Ricoh": ("big", Decimal("200000.00")), "Canon": ("none", None)}
    driver.command("UR1", "/coach", "tier Ricoh clear")
    assert _tiers(db)["Ricoh"] == (None, None)
    driver.command("UR1", "/coach", "tier")
    shown = driver.last_ephemeral("UR1")["text"]
    assert "1/15 named" in shown and "Canon" in shown
    assert "5 in “a lot of business”" in shown and "4 in “no business yet”" in shown  # missing slots named


def test_a_slot_holds_five_and_rotating_is_explicit(driver: Driver, db: Database, org) -> None:
    names = [f"Prospect {i}" for i in range(1, 7)]
    _accounts(db, "UR1", *names, status="no_business")
    for name in names[:5]:
        driver.command("UR1", "/coach", f"tier {name} new")
    driver.command("UR1", "/coach", "tier Prospect 6 new")
    reply = driver.last_ephemeral("UR1")["text"]
    assert "already has 5 accounts" in reply and "Prospect 1" in reply
    assert _tiers(db)["Prospect 6"] == (None, None)


def test_tier_asks_when_the_name_is_ambiguous_or_unknown(driver: Driver, db: Database, org) -> None:
    _accounts(db, "UR1", "Ricoh Shanghai", "Ricoh Beijing")
    driver.command("UR1", "/coach", "tier Ricoh grow")
    reply = driver.last_ephemeral("UR1")["text"]
    assert "Several accounts" in reply and "Ricoh Shanghai" in reply and "Ricoh Beijing" in reply
    driver.command("UR1", "/coach", "tier Nikon grow")
    assert "couldn't find" in driver.last_ephemeral("UR1")["text"]
    assert all(tier is None for tier, _ in _tiers(db).values())


def test_tiers_of_another_rep_are_for_their_manager_only(driver: Driver, db: Database, org) -> None:
    _accounts(db, "UR1", "Ricoh")
    driver.command("UR1", "/coach", "tier Ricoh grow")
    driver.command("UMGR", "/coach", "tier <@UR1>")
    assert "Ricoh" in driver.last_ephemeral("UMGR")["text"]
    driver.command("UR2", "/coach", "tier <@UR1>")
    assert "只有经理和管理员" in driver.last_ephemeral("UR2")["text"]
    driver.command("UR2", "/coach", "tier Ricoh some")  # not her account: as if it did not exist
    assert "没有找到" in driver.last_ephemeral("UR2")["text"]
    assert _tiers(db)["Ricoh"] == ("big", None)
    _ok_calls(driver.fake)

"""Close-together requests naming the same NEW account create it once: the database's unique key
(live accounts per owner and normalised name) decides, and the loser re-reads the winner's row."""

from __future__ import annotations

from sqlalchemy import select

from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Visit
from tests.faults.test_races import _all_at_once
from tests.visit_world import buttons, rep

LINES = [
    "Nimbus Labs with Li Na phone: pricing",
    "nimbus labs 面谈 王伟; next: send samples by Friday",
    "Nimbus  Labs in person: demo",
    "NIMBUS-LABS phone: follow up on the demo",
]


def test_concurrent_create_clicks_for_the_same_new_account_make_one_account_with_every_visit(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1")
    offers = []
    for i in range(8):
        driver.command("U1", "/visit", LINES[i % len(LINES)])
        offers.append(driver.last_ephemeral("U1"))
    creates = [next(b for b in buttons(o) if b["action_id"] == "visit_create_account") for o in offers]
    with db.transaction() as session:
        assert session.scalars(select(Account)).all() == []

    # Eight "Create account" presses (one per offered line) reach the app in the same instant.
    responses = _all_at_once(
        8,
        lambda i: driver.click("U1", offers[i], "visit_create_account", value=creates[i]["value"], wait=False),
    )
    driver.wait_idle(60)
    assert [r.status for r in responses] == [200] * 8, responses

    with db.transaction() as session:
        accounts = session.scalars(select(Account)).all()
        assert [(a.name_norm, a.owner_id) for a in accounts] == [("nimbuslabs", me)]
        visits = session.scalars(select(Visit)).all()
        assert len(visits) == 8 and {v.account_id for v in visits} == {accounts[0].id}
    # The next line naming it logs straight away, with no "which Nimbus Labs?".
    driver.command("U1", "/visit", "Nimbus Labs phone: quote sent")
    with db.transaction() as session:
        assert len(session.scalars(select(Visit)).all()) == 9

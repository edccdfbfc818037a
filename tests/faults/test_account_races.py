"""Close-together requests naming the same NEW account create it once: the database's unique key
(live accounts per owner and normalised name) decides, and the loser re-reads the winner's row."""

from __future__ import annotations

from sqlalchemy import select

from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Visit
from tests.faults.test_races import _all_at_once
from tests.visit_world import account, buttons, rep, reply_text, team

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


def test_a_rename_or_new_owner_that_would_give_one_owner_two_ricohs_is_refused_with_a_merge_hint(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1", role="manager")
    other = rep(db, driver, "U2", name="Bo")
    team(db, driver, "U1", "U2")  # the admin's `/coach team @U1 @Bo`
    ricoh = account(db, me, "Ricoh")
    china = account(db, me, "Ricoh China")
    bos = account(db, other, "理光")
    driver.command("U1", "/account", "Ricoh China rename ricoh")
    assert "already has a live account called *ricoh*" in reply_text(driver.last_ephemeral("U1"))
    unowned = account(db, None, "理光", "LG")
    driver.command("U1", "/account", "LG owner <@U2>")  # Bo has a 理光 of his own
    assert "already has a live account called *理光*" in reply_text(driver.last_ephemeral("U1"))
    with db.transaction() as session:
        names = {a.id: (a.name, a.owner_id) for a in session.scalars(select(Account))}
    assert names[ricoh] == ("Ricoh", me) and names[china] == ("Ricoh China", me) and names[bos] == ("理光", other)
    assert names[unowned] == ("理光", None)


def test_concurrent_leads_for_the_same_new_company_share_one_account(db: Database) -> None:
    from bot.leads.ops import LeadFields, do_create_lead
    from bot.people.members import load_actor
    from storage.models import Lead
    from tests.conftest import START, TEAM

    actor = load_actor(db, TEAM, "U1", START)[0]
    people = ["Raj Patel", "李娜", "Kowalski", "王伟", "Ana Silva", "Chen"]
    outcomes = _all_at_once(
        6,
        lambda i: do_create_lead(
            db,
            actor,
            LeadFields(company=" contoso  Ltd" if i % 2 else "Contoso Ltd", person=people[i]),
            START,
            request_key=f"lead-{i}",
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    with db.transaction() as session:
        accounts = session.scalars(select(Account)).all()
        assert [(a.name_norm, a.is_lead) for a in accounts] == [("contosoltd", True)]
        assert {lead.account_id for lead in session.scalars(select(Lead))} == {accounts[0].id}
        assert len(session.scalars(select(Lead)).all()) == 6

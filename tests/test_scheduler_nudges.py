"""Reminders: one overdue follow-up DM a day (Done / Snooze / Log visit), the follow-up rules,
the decay ladder warning once per crossing, stale deals once per stage, and 429s."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.deals.ops import move_deal
from bot.leads.ops import LeadFields, create_lead
from bot.people.members import actor_for
from bot.settings.ops import do_update_settings
from dev.driver import Driver
from storage.db import Database
from storage.models import Contact, Delivery, FollowUp, Person
from tests.conftest import TEAM
from tests.scheduler_world import account, as_source, contact, deal, dms, follow_up, join, local, run, visit

TZ = "Asia/Shanghai"
NUDGES, DECAY, STALE = "followup-nudges", "relationship-decay", "stale-deals"
MON = date(2026, 11, 23)


def _nudges(driver: Driver, user: str = "U1") -> list:
    return dms(driver.fake, user, header="Follow-ups due")


def test_one_nudge_a_day_listing_every_overdue_follow_up(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    other = join(driver, "U2", "Bo", tz=TZ)
    ricoh = account(db, TEAM, rep, "Ricoh")
    for i in range(3):
        follow_up(db, TEAM, rep, f"Quote {i}", local(MON, "08:00", TZ) - timedelta(days=i), account_id=ricoh)
    follow_up(db, TEAM, rep, "Not yet due", local(MON, "16:00", TZ))
    follow_up(db, TEAM, other, "Bo's", local(MON, "08:00", TZ))
    run(driver, NUDGES, local(MON, "09:29", TZ), clock)
    assert _nudges(driver) == []
    for when in ("09:30", "09:35", "12:00", "16:05", "19:55"):
        run(driver, NUDGES, local(MON, when, TZ), clock)
    mine = _nudges(driver)
    assert len(mine) == 1 and len(_nudges(driver, "U2")) == 1
    text = str(mine[0].blocks)
    assert all(f"Quote {i}" in text for i in range(3)) and "Not yet due" not in text
    assert "3 follow-ups overdue" in mine[0].text
    # The next morning the one that fell due in the afternoon is included.
    run(driver, NUDGES, local(MON + timedelta(days=1), "09:30", TZ), clock)
    assert "Not yet due" in str(_nudges(driver)[-1].blocks)


def test_done_and_snooze_redraw_the_message_and_snooze_is_respected(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    first = follow_up(db, TEAM, rep, "Send quote", local(MON, "08:00", TZ))
    second = follow_up(db, TEAM, rep, "Call back", local(MON, "08:00", TZ))
    run(driver, NUDGES, local(MON, "09:30", TZ), clock)
    nudge = _nudges(driver)[0]
    clock.set(local(MON, "09:40", TZ))
    driver.click("U1", as_source(nudge), "nudge_snooze", selected=f"{second}:3d", channel_id=nudge.channel)
    driver.click("U1", as_source(nudge), "nudge_done", value=str(first), channel_id=nudge.channel)
    with db.transaction() as session:
        done = session.get(FollowUp, first)
        snoozed = session.get(FollowUp, second)
        assert done is not None and done.status == "done"
        assert snoozed is not None and snoozed.snooze_count == 1
        assert snoozed.due_at == local(MON + timedelta(days=3), "09:00", TZ)
    redrawn = _nudges(driver)[0]  # chat.update changed it in place
    assert "snoozed until Thu 26 Nov 2026" in str(redrawn.blocks) and "done" in str(redrawn.blocks)
    assert "nudge_done" not in str(redrawn.blocks)
    assert all(c.response.get("ok") for c in driver.fake.calls if c.method == "chat.update")
    for n in (1, 2):  # Tuesday, Wednesday: nothing is due, no nudge
        run(driver, NUDGES, local(MON + timedelta(days=n), "09:30", TZ), clock)
    assert len(_nudges(driver)) == 1
    run(driver, NUDGES, local(MON + timedelta(days=3), "09:30", TZ), clock)
    assert len(_nudges(driver)) == 2 and "Call back" in str(_nudges(driver)[-1].blocks)


def test_snooze_next_week_and_someone_elses_follow_up(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    join(driver, "U2", "Bo", tz=TZ)
    mine = follow_up(db, TEAM, rep, "Send quote", local(MON, "08:00", TZ))
    run(driver, NUDGES, local(MON, "09:30", TZ), clock)
    nudge = _nudges(driver)[0]
    driver.click("U2", as_source(nudge), "nudge_done", value=str(mine), channel_id=nudge.channel)
    assert "couldn't find" in driver.last_ephemeral("U2")["text"]
    driver.click("U1", as_source(nudge), "nudge_snooze", selected=f"{mine}:week", channel_id=nudge.channel)
    with db.transaction() as session:
        row = session.get(FollowUp, mine)
        assert row is not None and row.status == "open"
        assert row.due_at == local(MON + timedelta(days=7), "09:00", TZ)


def test_log_visit_opens_the_visit_form_for_that_account(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    ricoh = account(db, TEAM, rep, "Ricoh")
    fid = follow_up(db, TEAM, rep, "Send quote", local(MON, "08:00", TZ), account_id=ricoh)
    run(driver, NUDGES, local(MON, "09:30", TZ), clock)
    nudge = _nudges(driver)[0]
    driver.click("U1", as_source(nudge), "nudge_log_visit", value=str(fid), channel_id=nudge.channel)
    assert "Ricoh" in str(driver.last_view()["blocks"])


def test_new_lead_and_prospect_rules_become_nudged_follow_ups(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    received = local(MON, "09:00", TZ)
    with db.transaction() as session:  # `/lead`: Haier, a new lead of Ann's, just received
        ann = session.get(Person, rep)
        create_lead(session, TEAM, LeadFields("Haier", "Buyer"), ann, received, created_by_id=rep, channel="slash")
    # New accounts (no business yet), each called as often as it says; an account is a
    # prospect to decide on after three calls, but only while it is new.
    recent = received - timedelta(days=40)
    old = received - timedelta(days=400)  # taken on long ago: no longer a prospect
    for name, calls, taken_on in (("Lenovo", 3, recent), ("Midea", 2, recent), ("Haier Old", 9, old)):
        prospect = account(db, TEAM, rep, name, created_at=taken_on)
        for n in range(calls):
            visit(db, TEAM, rep, prospect, taken_on + timedelta(days=n + 1), channel="phone")
    run(driver, NUDGES, local(MON, "13:59", TZ), clock)  # prospect to decide already; lead not yet 5 h
    first = str(_nudges(driver)[0].blocks)
    assert "Decide on Lenovo" in first and "Haier" not in first and "Midea" not in first
    run(driver, NUDGES, local(MON + timedelta(days=1), "09:30", TZ), clock)
    second = str(_nudges(driver)[-1].blocks)
    assert "First contact with new lead Haier" in second
    with db.transaction() as session:
        kinds = sorted(session.scalars(select(FollowUp.kind).where(FollowUp.status == "open")))
    assert kinds == ["new_lead", "prospect_decide"]  # once each, however many sweeps


def test_decay_ladder_warns_once_per_crossing(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    acme = account(db, TEAM, rep, "Acme")
    met = local(date(2026, 1, 5), "10:00", TZ)  # a Monday
    cid = contact(db, TEAM, acme, "Zhang Wei", last_face_to_face_at=met, buying_role="influencer")
    rungs = [90, 180, 365]  # not a key contact in an open deal: its cadence is 90 days, not 30
    start = date(2026, 1, 5)
    checked = sorted(set(range(0, 400, 6)) | {r + k for r in rungs for k in range(-2, 6)})
    warned: list[int] = []
    for n in checked:
        before = len(dms(driver.fake, "U1"))
        run(driver, DECAY, local(start + timedelta(days=n), "10:00", TZ), clock)
        if len(dms(driver.fake, "U1")) > before:
            warned.append(n)
    # Each rung once, on the first working day checked once it is crossed (weekends hold it).
    expected = [next(n for n in checked if n >= r and (start + timedelta(days=n)).weekday() < 5) for r in rungs]
    assert warned == expected
    messages = dms(driver.fake, "U1")
    first = str(messages[0].blocks)
    assert "91 days since you last met" in first and "over a quarter without a meeting" in first
    assert "there is no relationship left" in str(messages[-1].blocks)
    with db.transaction() as session:
        row = session.get(Contact, cid)
        assert row is not None and row.decay_notified_days == 365


def test_a_new_meeting_restarts_the_ladder_and_plan_a_visit_makes_a_follow_up(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    acme = account(db, TEAM, rep, "Acme")
    deal(db, TEAM, rep, acme, "A", local(MON, "09:00", TZ))  # a decision maker of an open deal: a 30-day cadence
    met = local(MON, "10:00", TZ)
    cid = contact(db, TEAM, acme, "Zhang Wei", last_face_to_face_at=met, buying_role="decision_maker")
    first_warning = MON + timedelta(days=30)  # Wednesday 23 Dec
    run(driver, DECAY, local(first_warning, "10:00", TZ), clock)
    warning = dms(driver.fake, "U1")[-1]
    driver.click("U1", as_source(warning), "decay_plan_visit", value=str(cid), channel_id=warning.channel)
    with db.transaction() as session:
        planned = session.scalars(select(FollowUp).where(FollowUp.kind == "plan_visit")).one()
        assert (planned.contact_id, planned.owner_id) == (cid, rep)
        assert planned.due_at == local(first_warning + timedelta(days=1), "09:00", TZ)
    visit(db, TEAM, rep, acme, local(first_warning, "15:00", TZ), contact_ids=(cid,))  # they meet again
    assert "Added a follow-up" in str(dms(driver.fake, "U1")[-1].blocks)
    run(driver, DECAY, local(first_warning + timedelta(days=29), "10:00", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 1
    run(driver, DECAY, local(first_warning + timedelta(days=30), "14:59", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 1
    run(driver, DECAY, local(first_warning + timedelta(days=30), "15:00", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 2  # 30 days after the new meeting: warned again


def test_key_contacts_in_open_deals_use_their_own_cadence(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    acme = account(db, TEAM, rep, "Acme")
    with db.transaction() as session:
        admin = actor_for(session.get_one(Person, rep))  # Ann, the workspace's first person
    do_update_settings(db, admin, {"cadence.thresholds": "90, 180, 365"}, local(MON, "08:00", TZ))  # `/coach settings`
    deal(db, TEAM, rep, acme, "A", local(MON, "09:00", TZ))
    met = local(MON, "10:00", TZ)
    contact(db, TEAM, acme, "Boss", last_face_to_face_at=met, buying_role="decision_maker")
    contact(db, TEAM, acme, "Clerk", last_face_to_face_at=met, buying_role="user")
    run(driver, DECAY, local(MON + timedelta(days=30), "10:00", TZ), clock)
    text = str(dms(driver.fake, "U1")[-1].blocks)
    assert "Boss" in text and "Clerk" not in text and "key contact in an open deal" in text


def test_stale_deals_once_per_deal_and_stage(driver: Driver, db: Database, clock: ManualClock) -> None:
    rep = join(driver, "U1", "Ann", tz=TZ)
    acme = account(db, TEAM, rep, "Acme")
    deal_id = deal(db, TEAM, rep, acme, "C", local(MON, "09:00", TZ))
    run(driver, STALE, local(MON + timedelta(days=29), "11:00", TZ), clock)
    assert dms(driver.fake, "U1") == []
    run(driver, STALE, local(MON + timedelta(days=30), "11:00", TZ), clock)  # Close: 30 days
    warning = dms(driver.fake, "U1")[-1]
    assert "30 days in Close (limit 30)" in str(warning.blocks)
    run(driver, STALE, local(MON + timedelta(days=31), "11:00", TZ), clock)
    assert len(dms(driver.fake, "U1")) == 1
    driver.click("U1", as_source(warning), "stale_next_step", value=str(deal_id), channel_id=warning.channel)
    with db.transaction() as session:
        assert session.scalars(select(FollowUp).where(FollowUp.deal_id == deal_id)).one().kind == "manual"
        owner = session.get(Person, rep)
        assert owner is not None
        move_deal(session, actor_for(owner), deal_id, "D", local(MON + timedelta(days=31), "12:00", TZ))  # back a stage
    run(driver, STALE, local(MON + timedelta(days=31 + 46), "11:00", TZ), clock)  # Demo: 45 days (a Monday)
    assert len(dms(driver.fake, "U1")) == 2


def test_every_other_call_rate_limited_still_delivers_each_nudge_once(
    driver: Driver, db: Database, clock: ManualClock
) -> None:
    users = [f"U{i}" for i in range(1, 5)]
    for user in users:
        pid = join(driver, user, user, tz=TZ)
        follow_up(db, TEAM, pid, f"Call for {user}", local(MON, "08:00", TZ))
    driver.fake.rate_limit_every(2)
    sent = run(driver, NUDGES, local(MON, "09:30", TZ), clock)
    run(driver, NUDGES, local(MON, "09:35", TZ), clock)
    driver.fake.rate_limit_every(0)
    assert sent == len(users)
    assert any(c.status == 429 for c in driver.fake.calls)
    for user in users:
        assert len(_nudges(driver, user)) == 1
    with db.transaction() as session:
        assert set(session.scalars(select(Delivery.status).where(Delivery.job == NUDGES))) == {"sent"}


def test_rules_cope_with_thousands_of_accounts_at_once(driver: Driver, db: Database, clock: ManualClock) -> None:
    """A first sweep over an imported book: more rule follow-ups than one INSERT can bind."""
    from sqlalchemy import func

    from bot.csv_io.leads import import_leads
    from bot.followups.rules import apply_rules
    from bot.people.members import workspace_config

    rep = join(driver, "U1", "Ann", tz=TZ)  # the workspace's only person (its admin): every lead is hers
    received = local(MON, "08:00", TZ) - timedelta(days=1)
    trade_show = "company,name\n" + "".join(f"Lead {i},Buyer {i}\n" for i in range(3500))
    assert import_leads(db, TEAM, trade_show.encode(), received).created == 3500
    at = local(MON, "09:30", TZ)
    with db.transaction() as session:
        made = apply_rules(session, TEAM, workspace_config(session, TEAM), at, [rep])
    with db.transaction() as session:
        again = apply_rules(session, TEAM, workspace_config(session, TEAM), at, [rep])
        count = session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.kind == "new_lead"))
    assert (made, again, count) == (3500, 0, 3500)
    run(driver, NUDGES, at, clock)
    nudge = _nudges(driver)[0]
    assert "3500 follow-ups overdue" in nudge.text and "3490 more" in str(nudge.blocks)

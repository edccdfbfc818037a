"""App Home through the fake Slack: my day, pipeline, stale deals, conversion; the team switch."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.checkins.days import set_time_off
from bot.checkins.plan import PlanInput, save_plan
from bot.followups.rules import apply_rules, complete_follow_up
from bot.leads.ops import LeadFields, create_lead
from bot.people.members import actor_for, workspace_config
from bot.settings.ops import save_settings
from bot.ui import blockkit
from bot.ui import blocks as bk
from bot.visits.ops import ContactInput, VisitInput, add_follow_up, log_visit
from dev.driver import Driver
from handlers.home.publish import publish_home
from runtime.app import services_of
from storage.db import Database
from storage.models import FollowUp, Person
from tests.conftest import START, TEAM
from tests.funnel_data import Funnel, day
from tests.test_pipeline_cmd import _team, _text


def _home(driver: Driver, user: str) -> dict[str, Any]:
    publishes = driver.fake.calls_to("views.publish")
    assert publishes, "no home was published"
    call = publishes[-1]
    assert call.params["user_id"] == user
    view = call.response["view"]
    assert blockkit.view_problems(view) == []
    return view


def _open(driver: Driver, user: str) -> str:
    before = len(driver.fake.calls_to("views.publish"))
    driver.open_home(user)
    assert len(driver.fake.calls_to("views.publish")) == before + 1
    return _text(_home(driver, user))


def _my_day(db: Database, ann: Person) -> None:
    """Ann's day as she made it: an open deal on Canon, visits there (which met its contacts and
    left next steps), follow-ups added and one done, and this morning's plan."""
    with db.transaction() as session:
        f = Funnel(session)
        actor = actor_for(ann)
        account = f.account("Canon", ann)
        f.deal(ann, [(-20, "S"), (-15, "D")], title="Scanners", account=account)  # an open deal on Canon
        contacts = [
            ("Wang", "decision_maker", -45),  # key contact in an open deal: due every 30 days
            ("Li", "coach", None),  # key, never met (only called)
            ("Zhao", "user", -100),  # others: every 90 days
            ("Sun", "user", -60),  # not yet
            ("Qian", "decision_maker", -10),  # met recently
        ]
        for name, role, met in contacts:
            channel, when = ("in_person", day(met)) if met is not None else ("phone", day(-31))
            visit = VisitInput(account.id, channel, contacts=(ContactInput(name=name, role=role),), occurred_at=when)
            if met is None:  # the call left the next step and the follow-ups below
                visit = replace(visit, next_step="Send the quote", next_due=day(-2))
            logged = log_visit(session, actor, visit, now=when, request_key=None)
            if met is None:
                for text, due in [("Call Wang", 0.2), ("Next week", 7), ("Long ago", -30), ("Done", -1)]:
                    add_follow_up(session, actor, logged.visit.id, text, day(due), now=when)
        done = session.scalar(select(FollowUp.id).where(FollowUp.owner_id == ann.id, FollowUp.text == "Done"))
        complete_follow_up(session, actor, done, day(-1))
        save_plan(session, actor, START.date(), PlanInput(), START)


def test_home_shows_my_day_pipeline_stale_deals_and_conversion(driver: Driver, db: Database) -> None:
    people = _team(db)
    _my_day(db, people["ann"])
    text = _open(driver, "UANN")
    assert "My day — Mon 23 Nov 2026" in text
    assert "Morning plan: done ✅" in text and "Evening review: not yet" in text
    assert "*Follow-ups*: 2 overdue · 1 due today" in text
    assert "• ⚠️ Canon: Long ago — was due Sat 24 Oct 2026, 02:00" in text  # as the nudges name it
    assert "• Canon: Call Wang — due 06:48" in text
    assert "Next week" not in text and "Done" not in text
    assert "*Cooling relationships* (3)" in text
    lines = [line for line in text.splitlines() if "days ago" in line or "never met" in line]
    assert lines == [
        "• Li (Canon) — key contact in an open deal, never met face to face",
        "• Wang (Canon) — key contact in an open deal, last met 45 days ago",
        "• Zhao (Canon) — last met 100 days ago",
    ]
    assert "Open deals: *4* · 450k · weighted *195k*" in text
    assert "*Demo / proposal* — 2 · 300k · weighted 150k" in text
    assert "Dec 2026: 2 open · 300k · weighted *105k*" in text
    assert "*Stale deals* (0)" in text
    # Scanners (S straight to D) passes Prospect too: Ann 3 of 9 there, the team 9 of 15.
    assert "P→A Prospect → Analysis: *33%* (3 of 9) · team 60% · decided only 33%" in text
    assert "Weakest step: *P→A Prospect → Analysis*, 3 of 9 (33%) against the team's 60%." in text
    assert "Team view" not in text  # reps get no switch


def _rule_follow_ups(session: Session, ann: Person, *, contacts: int) -> None:
    """Ann's new lead (Margie's Travel, assigned an hour ago) and a prospect she has called
    `contacts` times without opening a deal (Fourth Coffee), and the follow-ups the rules make."""
    received = START - timedelta(hours=1)
    fields = LeadFields("Margie's Travel", "Margie")
    owner = session.get(Person, ann.id)
    create_lead(session, TEAM, fields, owner, received, created_by_id=ann.id, channel="slash")
    prospect = create_account(session, TEAM, "Fourth Coffee", ann.id, day(-30))  # no business yet
    for n in range(contacts):
        call = VisitInput(prospect.id, "phone", contacts=(ContactInput(name="Chen"),), occurred_at=day(-20 + n))
        log_visit(session, actor_for(ann), call, now=day(-20 + n), request_key=None)
    session.flush()
    assert apply_rules(session, TEAM, workspace_config(session, TEAM), START, [ann.id]) == 2


@pytest.mark.parametrize(
    ("zh", "lead", "decide"),
    [
        (
            False,
            "• First contact with new lead Margie's Travel (due within 5 hours) — due 06:00",
            "• Decide on Fourth Coffee: 3 contacts so far, qualify it (open a deal) or drop it — due 02:00",
        ),
        (
            True,
            "• 新线索 Margie's Travel 首次联系（5 小时内） — 06:00 到期",
            "• 对 Fourth Coffee 做判断：已联系 3 次，转为商机或放弃 — 02:00 到期",
        ),
    ],
    ids=["en", "zh"],
)
def test_rule_made_follow_ups_show_on_home_as_the_nudges_name_them(
    driver: Driver, db: Database, zh: bool, lead: str, decide: str
) -> None:
    """The follow-up rules store the account's name as the text: Home shows what is owed (the
    nudge's label), not "Margie's Travel (Margie's Travel)"."""
    ann = _team(db, zh=zh)["ann"]
    with db.transaction() as session:
        _rule_follow_ups(session, ann, contacts=3)
    text = _open(driver, "UANN")
    assert lead in text and decide in text
    assert "Margie's Travel (Margie's Travel)" not in text and "Margie's Travel（Margie's Travel）" not in text


@pytest.mark.parametrize(
    ("zh", "lead", "decide"),
    [
        (False, "new lead Margie's Travel (due within 2.5 hours)", "Decide on Fourth Coffee: 4 contacts so far,"),
        (True, "新线索 Margie's Travel 首次联系（2.5 小时内）", "对 Fourth Coffee 做判断：已联系 4 次，"),
    ],
    ids=["en", "zh"],
)
def test_rule_labels_state_the_workspace_settings(
    driver: Driver, db: Database, zh: bool, lead: str, decide: str
) -> None:
    """An admin who sets 2.5 hours for a new lead and 4 contacts before judging a prospect sees
    those numbers in the rules' follow-ups, not the defaults (5 and 3)."""
    ann = _team(db, zh=zh)["ann"]
    with db.transaction() as session:
        texts = {"follow_up.new_lead_hours": "2.5", "follow_up.prospect_decide_visits": "4"}
        save_settings(session, TEAM, texts, "UADA", "slack", START)
        _rule_follow_ups(session, ann, contacts=4)
    text = _open(driver, "UANN")
    assert lead in text and decide in text
    assert "within 5 hours" not in text and "（5 小时内）" not in text


def test_stale_deals_on_home_and_time_off(driver: Driver, db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        ann = f.person("UANN", "Ann")
        f.deal(ann, [(-100, "S"), (-70, "A")], title="Old analysis")
        set_time_off(session, actor_for(ann), date(2026, 11, 27), day(-3))  # said on Fri 20 Nov
    text = _open(driver, "UANN")
    assert "You're off today" in text
    assert "*Stale deals* (1)" in text
    assert "• Ricoh — Old analysis: 70 days in Analysis (10 days over)" in text


def test_a_manager_opens_on_the_team_view_and_switches_to_their_own_and_back(driver: Driver, db: Database) -> None:
    _team(db)
    _open(driver, "UMIA")
    team_view = _home(driver, "UMIA")
    text = _text(team_view)
    assert "My team — Mon 23 Nov 2026" in text and "My view" in text  # a manager's first view: the team
    assert "Open deals: *3* · 350k" in text
    assert "*Ann* — 3 open · 350k · weighted 145k · weakest P→A 2 of 8 (team 57%)" in text
    assert "Olu" not in text
    assert team_view["private_metadata"] == "team:0"
    driver.click("UMIA", team_view, "home_switch_me")
    mine = _home(driver, "UMIA")
    assert "My day" in _text(mine) and mine["private_metadata"] == "me:0"
    # Reopening the tab keeps the view the manager chose.
    driver.event({"type": "app_home_opened", "user": "UMIA", "tab": "home", "view": mine, "event_ts": "1700000000.2"})
    assert "My day" in _text(_home(driver, "UMIA"))
    driver.click("UMIA", _home(driver, "UMIA"), "home_switch_team")
    assert "My team" in _text(_home(driver, "UMIA"))


def test_a_rep_cannot_switch_to_a_team_view(driver: Driver, db: Database) -> None:
    _team(db)
    _open(driver, "UANN")
    forged = {"type": "home", "blocks": [bk.actions(bk.button("Team", "home_switch_team", "team"))]}
    driver.click("UANN", forged, "home_switch_team")
    text = _text(_home(driver, "UANN"))
    assert "My day" in text and "Bo" not in text


def test_home_in_chinese(driver: Driver, db: Database) -> None:
    people = _team(db, zh=True)
    _my_day(db, people["ann"])
    text = _open(driver, "UANN")
    assert "我的一天 — 2026年11月23日 周一" in text
    assert "*待跟进*：2 项逾期 · 今天到期 1 项" in text
    assert "*关系正在变淡*（3）" in text
    assert "我的转化率 vs 团队" in text


def test_home_stays_within_100_blocks_with_a_lot_of_data(driver: Driver, db: Database) -> None:
    with db.transaction() as session:
        f = Funnel(session)
        boss = f.person("UBOSS", "Boss " + "名" * 150, role="manager")
        reps = [f.person(f"UR{i:03d}", f"Rep {i:03d} " + "n" * 80, manager=boss) for i in range(300)]
        busy = reps[0]
        account = f.account("Account " + "a" * 190, busy)
        stages = ["S", "P", "A", "D", "C", "O"]
        for i in range(600):
            stage = stages[i % 6]
            history = [(-400 + i % 300, "S")] + ([(-200 + i % 150, stage)] if stage != "S" else [])
            owner = reps[0] if i < 400 else reps[i % 300]
            # One open title per account (numbered), each rep's deals on their own account.
            f.deal(owner, history, title=f"{i:03d}" + "T" * 197, account=f.account("Account " + "a" * 190, owner),
                   close=date(2026, 1, 1) + timedelta(days=i * 3))  # fmt: skip
        actor = actor_for(busy)
        call = log_visit(session, actor, VisitInput(account.id, "phone", occurred_at=day(-201)), now=day(-201),
                         request_key=None)  # fmt: skip
        for i in range(200):  # follow-ups of the longest text the app keeps
            add_follow_up(session, actor, call.visit.id, "x" * 3000, day(-i), now=day(-201))
        for i in range(300):  # each decision maker met once, 40 days ago or more
            met = VisitInput(account.id, "in_person", occurred_at=day(-40 - i),
                             contacts=(ContactInput(name=f"{i:03d}" + "c" * 197, role="decision_maker"),))  # fmt: skip
            log_visit(session, actor, met, now=day(-40 - i), request_key=None)
    text = _open(driver, "UR000")
    assert len(_home(driver, "UR000")["blocks"]) <= 100
    assert "…and 195 more" in text and "…and 295 more" in text  # follow-ups, cooling contacts
    _open(driver, "UBOSS")
    driver.click("UBOSS", _home(driver, "UBOSS"), "home_switch_team")
    team = _home(driver, "UBOSS")
    assert len(team["blocks"]) <= 100 and "…and" in _text(team)


def test_publish_home_after_a_change_and_failures_are_swallowed(driver: Driver, db: Database) -> None:
    with db.transaction() as session:
        actor = actor_for(Funnel(session).person("UANN", "Ann"))
    services = services_of(driver.app)
    assert publish_home(driver.app.client, services, actor)
    assert "My day" in _text(_home(driver, "UANN"))
    driver.fake.fail_next("views.publish", status=200, error="internal_error")
    assert not publish_home(driver.app.client, services, actor)

"""Two workspaces with people in every role and a little of everything each of them owns, for the
security and fuzz tests.

Workspace A (the driver's team): an admin, a manager with one rep in their team, and a rep
outside it. Workspace B (another tenant): an admin and a rep. Every row a person owns carries a
marker naming its owner (`SECRET<UAREP2>` …), so a reply that shows someone's data to a person
who may not see it is found by looking for markers. People join through signed requests; the
rows are made by the app's own operations, backdated (see `_own`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.checkins.plan import PlanInput, save_plan
from bot.checkins.review import ReviewInput, save_review
from bot.core.actor import Actor
from bot.core.clock import ManualClock, zone
from bot.core.settings import Settings
from bot.deals.ops import create_deal, move_deal
from bot.deals.parser import FieldChanges
from bot.people.members import actor_for
from bot.people.teams import set_up_team
from bot.visits.ops import ContactInput, VisitInput, add_follow_up, log_visit
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.web import WebApp
from storage.db import Database
from storage.models import FollowUp, Person
from tests.conftest import SECRET, START, TEAM, empty_all_tables
from tests.scheduler_world import local

OTHER = "T0000OTHER"
A_ADMIN, A_MANAGER, A_REP, A_LONER = "UAADMIN", "UAMGR", "UAREP1", "UAREP2"
B_ADMIN, B_REP = "UBADMIN", "UBREP"
OWNERS = (A_ADMIN, A_MANAGER, A_REP, A_LONER, B_ADMIN, B_REP)


def marker(user_id: str) -> str:
    return f"SECRET{user_id}"


def visible_to(viewer: str) -> set[str]:
    """Whose data `viewer` may see (docs/method.md: reps their own, managers their team, admins all)."""
    if viewer in (A_ADMIN,):
        return {A_ADMIN, A_MANAGER, A_REP, A_LONER}
    if viewer == A_MANAGER:
        return {A_MANAGER, A_REP}
    if viewer == B_ADMIN:
        return {B_ADMIN, B_REP}
    return {viewer}


@dataclass
class World:
    db: Database
    driver: Driver
    fake: FakeSlack
    team_of: dict[str, str]
    person_of: dict[str, int]
    ids: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # owner -> kind -> ids
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # callback_id -> a view the app built

    @property
    def actors(self) -> list[str]:
        return list(OWNERS)

    @property
    def all_ids(self) -> set[int]:
        return {i for kinds in self.ids.values() for ids in kinds.values() for i in ids} | set(self.person_of.values())

    def driver_for(self, user_id: str) -> Driver:
        d = self.driver
        return Driver(
            d.app, d.fake, signing_secret=SECRET, team_id=self.team_of[user_id], executor=d.executor, url=d.url
        )


@contextmanager
def served_world(database_url: str) -> Iterator[World]:
    """A world with its own fake Slack, app and server (for module-scoped fixtures)."""
    db = Database(database_url)
    empty_all_tables(db)
    executor = TrackingExecutor()
    with FakeSlack(team_id=TEAM) as fake:
        settings = Settings(
            slack_bot_token="xoxb-test-token",
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
            database_url=database_url,
            scheduler_enabled=False,
        )
        app = build_app(settings, db=db, clock=ManualClock(START), executor=executor)
        server = LocalServer(WebApp(app))
        driver = Driver(
            app, fake, signing_secret=SECRET, team_id=TEAM, executor=executor, url=f"{server.url}/slack/events"
        )
        try:
            yield build_world(driver, db)
        finally:
            executor.wait_idle(10)
            server.stop()
            executor.shutdown(wait=False)
            empty_all_tables(db)
            db.dispose()


def build_world(driver: Driver, db: Database) -> World:
    fake = driver.fake
    team_of = {u: TEAM for u in (A_ADMIN, A_MANAGER, A_REP, A_LONER)} | {u: OTHER for u in (B_ADMIN, B_REP)}
    world = World(db=db, driver=driver, fake=fake, team_of=team_of, person_of={})
    for user, team in team_of.items():  # the first of each workspace becomes its admin
        fake.add_user(user, user.title(), tz="Asia/Shanghai", team_id=team)
        world.driver_for(user).command(user, "/coach", "help")
    with db.transaction() as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person))}
        assert people[A_ADMIN].role == "admin" and people[B_ADMIN].role == "admin"
        # `/coach team @UAMGR @UAREP1`: the manager's team is the one rep.
        set_up_team(session, actor_for(people[A_ADMIN]), A_MANAGER, [A_REP], START)
        world.person_of = {u: p.id for u, p in people.items()}
        for user in OWNERS:
            world.ids[user] = _own(session, actor_for(people[user]), marker(user))
    _harvest_views(world)
    return world


def _own(session: Session, actor: Actor, secret: str) -> dict[str, list[int]]:
    """The owner's marked rows, made by the app's operations as the owner would have, backdated:
    an account; a first meeting with its decision maker 200 days ago (the contact is cooling);
    a deal created at Demo three months ago and moved to Close two months ago; yesterday's call
    with the contact, a follow-up added to it, now overdue; and yesterday's plan and review."""
    team = actor.team_id
    yesterday = START - timedelta(days=1)
    # through the app's own creation, so the names are indexed and recognised as the app's are
    account = create_account(session, team, f"{secret} Account", actor.person_id, START - timedelta(days=300))
    # No operation sets the status but the CSV import; these accounts already buy from us.
    account.business_status = "has_business"
    first = log_visit(
        session,
        actor,
        VisitInput(
            account_id=account.id,
            channel="in_person",
            contacts=(ContactInput(name=f"{secret} Contact", role="decision_maker", level=1),),
            occurred_at=START - timedelta(days=200),
            purpose=f"{secret} purpose",
        ),
        now=START - timedelta(days=200),
        request_key=None,
    ).visit
    contact_id = first.contacts[0].contact_id
    qualified: dict[str, bool | None] = {
        item: True for item in ("need", "timeline", "authority", "budget", "competition", "champion")
    }
    deal = create_deal(
        session,
        actor,
        title=f"{secret} Deal",
        now=START - timedelta(days=90),
        account_id=account.id,
        changes=FieldChanges(amount=Decimal("250000"), qualification=qualified),
        stage="D",
    )
    move_deal(session, actor, deal.id, "C", START - timedelta(days=60))
    visit = log_visit(
        session,
        actor,
        VisitInput(
            account_id=account.id,
            channel="phone",
            contacts=(ContactInput(contact_id=contact_id, level=2),),
            occurred_at=yesterday,
            purpose=f"{secret} purpose",
            notes=f"{secret} notes",
            raw_text=f"{secret} line",
        ),
        now=yesterday,
        request_key=None,
    ).visit
    add_follow_up(session, actor, visit.id, f"{secret} follow-up", START - timedelta(hours=3), now=yesterday)
    follow_up = session.scalars(select(FollowUp.id).where(FollowUp.visit_id == visit.id)).one()
    day = yesterday.astimezone(zone(actor.tz)).date()
    plan = PlanInput(items=[{"text": f"{secret} plan", "tag": "key"}])
    checkin = save_plan(session, actor, day, plan, local(day, "08:50", actor.tz))
    review = ReviewInput({"done_text": f"{secret} done"})
    save_review(session, actor, day, review, local(day, "18:10", actor.tz), [account.id])
    return {
        "account": [account.id],
        "contact": [contact_id],
        "deal": [deal.id],
        "visit": [first.id, visit.id],
        "follow_up": [follow_up],
        "checkin": [checkin.id],
    }


def _harvest_views(world: World) -> None:
    """Open every modal a command or shortcut opens on its own, and keep one per callback_id."""
    from tests.listener_catalog import listeners

    d = world.driver_for(A_REP)
    for listener in listeners(world.driver.app):
        for name in listener.sample_ids():
            if listener.kind == "command":
                d.command(A_REP, name, "")
            elif listener.kind == "shortcut":
                d.shortcut(A_REP, name)
    with world.fake._lock:
        views = list(world.fake.views.values())
    for view in views:
        if view.get("callback_id"):
            world.views.setdefault(view["callback_id"], view)

"""Two workspaces with people in every role and a little of everything each of them owns, for the
security and fuzz tests.

Workspace A (the driver's team): an admin, a manager with one rep in their team, and a rep
outside it. Workspace B (another tenant): an admin and a rep. Every row a person owns carries a
marker naming its owner (`SECRET<UAREP2>` …), so a reply that shows someone's data to a person
who may not see it is found by looking for markers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.accounts.create import create_account
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.executor import TrackingExecutor
from runtime.web import WebApp
from storage.db import Database
from storage.models import (
    CheckIn,
    Contact,
    Deal,
    FollowUp,
    Person,
    StageChange,
    Visit,
    VisitContact,
)
from tests.conftest import SECRET, START, TEAM, empty_all_tables

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
        people[A_MANAGER].role = "manager"
        people[A_REP].manager_id = people[A_MANAGER].id
        world.person_of = {u: p.id for u, p in people.items()}
        for user in OWNERS:
            world.ids[user] = _own(session, people[user], marker(user))
    _harvest_views(world)
    return world


def _own(session: Any, person: Person, secret: str) -> dict[str, list[int]]:
    team = person.team_id
    # through the app's own creation, so the names are indexed and recognised as the app's are
    account = create_account(session, team, f"{secret} Account", person.id, START)
    account.business_status = "has_business"
    session.flush()
    contact = Contact(
        team_id=team,
        account_id=account.id,
        name=f"{secret} Contact",
        name_norm=f"{secret} contact".lower(),
        buying_role="decision_maker",
        relationship_level=2,
        last_face_to_face_at=START - timedelta(days=200),
    )
    deal = Deal(
        team_id=team,
        account_id=account.id,
        owner_id=person.id,
        title=f"{secret} Deal",
        title_norm=f"{secret} deal".lower(),
        stage_key="C",
        stage_entered_at=START - timedelta(days=60),
        amount=Decimal("250000"),
    )
    session.add_all([contact, deal])
    session.flush()
    session.add(
        StageChange(
            team_id=team,
            deal_id=deal.id,
            from_stage="D",
            to_stage="C",
            changed_at=START - timedelta(days=60),
            changed_by_id=person.id,
            owner_id=person.id,
        )
    )
    visit = Visit(
        team_id=team,
        rep_id=person.id,
        account_id=account.id,
        deal_id=deal.id,
        occurred_at=START - timedelta(days=1),
        channel="in_person",
        purpose=f"{secret} purpose",
        notes=f"{secret} notes",
        raw_text=f"{secret} line",
    )
    session.add(visit)
    session.flush()
    session.add(VisitContact(team_id=team, visit_id=visit.id, contact_id=contact.id, level_before=1, level_after=2))
    follow_up = FollowUp(
        team_id=team,
        owner_id=person.id,
        account_id=account.id,
        deal_id=deal.id,
        visit_id=visit.id,
        text=f"{secret} follow-up",
        due_at=START - timedelta(hours=3),
    )
    checkin = CheckIn(
        team_id=team,
        person_id=person.id,
        local_date=date(2026, 11, 22),
        plan_items=[{"text": f"{secret} plan", "tag": "key"}],
        done_text=f"{secret} done",
    )
    session.add_all([follow_up, checkin])
    session.flush()
    return {
        "account": [account.id],
        "contact": [contact.id],
        "deal": [deal.id],
        "visit": [visit.id],
        "follow_up": [follow_up.id],
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

"""People and data for the scheduler tests, and a way to run a job as of an instant.

People are created the way users appear (a signed `/checkin help` through the fake Slack, whose
directory gives their time zone and locale); their follow-ups and past meetings come from the
calls and visits they logged (`log_visit`, `add_follow_up`, backdated), their deals from
`create_deal`. Jobs run through
`scheduler.service.run_job`, the same function the shell, `jobs run` and the background
scheduler call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.core.actor import Actor
from bot.core.clock import ManualClock, zone
from bot.core.services import Services
from bot.deals.ops import create_deal
from bot.people.members import actor_for
from bot.visits.ops import ContactInput, VisitInput, add_follow_up, contact_named, log_visit
from dev.driver import Driver
from dev.fake_slack import FakeSlack, Message
from runtime.app import services_of
from scheduler.service import run_job
from storage.db import Database
from storage.models import Account, FollowUp, Person, Visit
from tests.conftest import START


def local(day: date, hhmm: str, tz: str) -> datetime:
    """The UTC instant of `hhmm` on `day` in `tz` (what a wall clock there shows)."""
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone(tz)).astimezone(UTC)


def join(driver: Driver, user: str, name: str, *, tz: str, locale: str = "en-US") -> int:
    """A person as the app first meets them; returns their person id."""
    driver.fake.add_user(user, name, tz=tz, locale=locale)
    driver.command(user, "/checkin", "help")
    services = services_of(driver.app)
    with services.db.transaction() as session:
        return session.scalars(select(Person.id).where(Person.slack_user_id == user)).one()


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=fake.api_url)


def run(driver: Driver, job: str, at: datetime, clock: ManualClock | None = None) -> int:
    """Run `job` as of `at` (moving the app's clock there first, as the shell does)."""
    services: Services = services_of(driver.app)
    if clock is not None:
        clock.set(at)
    return run_job(services, client_for(driver.fake), job, at)


def dms(fake: FakeSlack, user: str, *, header: str | None = None) -> list[Message]:
    """The bot's DMs to `user` (whose header contains `header`, if given)."""
    found = [m for m in fake.dms_to(user) if not m.ephemeral]
    if header is None:
        return found
    return [m for m in found if m.blocks and header in str(m.blocks[0].get("text", {}).get("text", ""))]


def as_source(message: Message) -> dict[str, Any]:
    return {"text": message.text, "blocks": message.blocks, "ts": message.ts}


def account(db: Database, team_id: str, owner_id: int, name: str, **values: Any) -> int:
    """An account created as /visit, /deal and the CSV import create one (as of `created_at`,
    default the tests' START); other `values` (status, lead fields, counts) have no operation of
    their own outside the CSV import and are set on the row afterwards."""
    with db.transaction() as session:
        row = create_account(session, team_id, name, owner_id, values.pop("created_at", START))
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return row.id


def contact(db: Database, team_id: str, account_id: int, name: str, **values: Any) -> int:
    """A contact as a logged visit first names them (as of `created_at`, default START). With
    `last_face_to_face_at` the account's owner met them then: an in-person visit naming them (and
    their `buying_role`), logged as of that instant. The other `values` (email, level…) are what a
    later visit or `/contact` edit would set, written on the row."""
    with db.transaction() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.team_id == team_id
        met, role = values.pop("last_face_to_face_at", None), values.get("buying_role")
        row, _ = contact_named(session, account, name, values.pop("created_at", START))
        if met is not None:
            owner = session.get(Person, account.owner_id)
            assert owner is not None
            met_them = ContactInput(contact_id=row.id, role=role)
            visit = VisitInput(account_id=account.id, channel="in_person", contacts=(met_them,), occurred_at=met)
            log_visit(session, actor_for(owner), visit, now=met, request_key=None)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return row.id


def follow_up(
    db: Database, team_id: str, owner_id: int, text: str, due_at: datetime, *, account_id: int | None = None
) -> int:
    """An open follow-up of `owner_id`'s, due at `due_at`, at `account_id` or else at an account
    of their own; returns its id. See `next_step`."""
    with db.transaction() as session:
        owner = session.get(Person, owner_id)
        assert owner is not None and owner.team_id == team_id
        return next_step(session, actor_for(owner), text, due_at, account_id=account_id)


def next_step(session: Session, actor: Actor, text: str, due_at: datetime, *, account_id: int | None = None) -> int:
    """`follow_up` in the caller's transaction: the next step of a call the rep logged three days
    before it is due (`log_visit`); a further follow-up at the same account is added to that call
    (`add_follow_up`), as a rep notes several steps of one conversation (so the account's contact
    count is the calls made, not the follow-ups)."""
    name = f"Customer of {actor.user_id}"
    where = Account.id == account_id if account_id is not None else Account.name == name
    call = session.scalars(
        select(Visit)
        .join(Account, Account.id == Visit.account_id)
        .where(Visit.rep_id == actor.person_id, where)
        .order_by(Visit.id.desc())
        .limit(1)
    ).first()
    if call is not None:
        add_follow_up(session, actor, call.id, text, due_at, now=call.occurred_at)
        session.flush()
        return session.scalars(
            select(FollowUp.id).where(FollowUp.visit_id == call.id).order_by(FollowUp.id.desc()).limit(1)
        ).one()
    called = due_at - timedelta(days=3)
    visit = VisitInput(
        account_id=account_id,
        new_account_name=None if account_id is not None else name,
        channel="phone",
        occurred_at=called,
        next_step=text,
        next_due=due_at,
    )
    logged = log_visit(session, actor, visit, now=called, request_key=None)
    return session.scalars(select(FollowUp.id).where(FollowUp.visit_id == logged.visit.id)).one()


def visit(
    db: Database,
    team_id: str,
    rep_id: int,
    account_id: int,
    at: datetime,
    *,
    channel: str = "in_person",
    contact_ids: tuple[int, ...] = (),
    logged: datetime | None = None,
) -> int:
    """A visit `rep_id` made to an account of theirs at `at` (meeting `contact_ids`), logged at
    `logged` (default: then) through `log_visit`, as `/visit` stores one; returns its id."""
    with db.transaction() as session:
        rep = session.get(Person, rep_id)
        assert rep is not None and rep.team_id == team_id
        met = tuple(ContactInput(contact_id=c) for c in contact_ids)
        inp = VisitInput(account_id=account_id, channel=channel, contacts=met, occurred_at=at)
        return log_visit(session, actor_for(rep), inp, now=logged or at, request_key=None).visit.id


def deal(
    db: Database, team_id: str, owner_id: int, account_id: int, stage: str, at: datetime, title: str = "Copiers"
) -> int:
    """An open deal of `owner_id`'s at an account of theirs, created at `stage` at `at` through
    `create_deal` (as `/deal` makes one, its stage history started); returns its id."""
    with db.transaction() as session:
        owner = session.get(Person, owner_id)
        assert owner is not None and owner.team_id == team_id
        return create_deal(session, actor_for(owner), title=title, now=at, account_id=account_id, stage=stage).id


def days(n: int) -> timedelta:
    return timedelta(days=n)

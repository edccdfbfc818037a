"""People and data for the scheduler tests, and a way to run a job as of an instant.

People are created the way users appear (a signed `/checkin help` through the fake Slack, whose
directory gives their time zone and locale); jobs run through `scheduler.service.run_job`,
the same function the shell, `jobs run` and the background scheduler call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.accounts.create import create_account
from bot.core.clock import ManualClock, zone
from bot.core.services import Services
from bot.visits.ops import contact_named
from dev.driver import Driver
from dev.fake_slack import FakeSlack, Message
from runtime.app import services_of
from scheduler.service import run_job
from storage.db import Database
from storage.models import Account, FollowUp, Person
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
    """A contact as a logged visit first names them (as of `created_at`, default START); the other
    `values` (email, level, role…) are what a later visit or `/contact` edit would set."""
    with db.transaction() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.team_id == team_id
        row, _ = contact_named(session, account, name, values.pop("created_at", START))
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return row.id


def follow_up(db: Database, team_id: str, owner_id: int, text: str, due_at: datetime, **values: Any) -> int:
    """Direct on purpose: the app's follow-ups come from a visit's next step or a plan button, none
    of which takes an arbitrary due instant, kind or link; the nudge tests need exactly those."""
    with db.transaction() as session:
        values.setdefault("kind", "next_step")
        row = FollowUp(team_id=team_id, owner_id=owner_id, text=text, due_at=due_at, status="open", **values)
        session.add(row)
        session.flush()
        return row.id


def days(n: int) -> timedelta:
    return timedelta(days=n)

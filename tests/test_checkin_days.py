"""Check-in buttons act on the day they were sent for: yesterday's "Review my day" clicked this
morning opens (and saves) yesterday's review, with yesterday's visits beside it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.checkins.prompts import prompt_day
from bot.core.clock import ManualClock
from bot.people.members import actor_for
from bot.visits.ops import VisitInput, log_visit
from dev.driver import Driver
from storage.db import Database
from storage.models import CheckIn, Person
from tests.conftest import TEAM
from tests.scheduler_world import account, as_source, dms, join, local, run

HEADERS = {"en-US": "Review your day", "zh-CN": "复盘"}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_yesterdays_review_button_opens_and_saves_yesterdays_review(
    driver: Driver, db: Database, clock: ManualClock, locale: str
) -> None:
    tz = "Asia/Shanghai"
    rep = join(driver, "U1", "Ann", tz=tz, locale=locale)
    ricoh = account(db, TEAM, rep, "Ricoh 理光")
    thursday, friday = date(2026, 11, 26), date(2026, 11, 27)
    with db.transaction() as session:  # Thursday's visit, logged five minutes after it
        visit = VisitInput(account_id=ricoh, channel="in_person", occurred_at=local(thursday, "10:00", tz))
        actor = actor_for(session.get_one(Person, rep))
        log_visit(session, actor, visit, now=local(thursday, "10:05", tz), request_key=None)
    run(driver, "checkin-evening", local(thursday, "18:00", tz), clock)
    prompt = dms(driver.fake, "U1")[-1]

    clock.set(local(friday, "09:30", tz))  # clicked the next morning
    driver.click("U1", as_source(prompt), "checkin_open_review", channel_id=prompt.channel)
    view = driver.last_view()
    assert view["callback_id"] == "checkin_review" and '"d":"2026-11-26"' in view["private_metadata"]
    fields = next(b for b in view["blocks"] if b["type"] == "section")["fields"]
    assert "10:00 Ricoh 理光" in fields[1]["text"]  # Thursday's visit, not Friday's (none)

    answer = {"review_done_text": {"text": {"type": "plain_text_input", "value": "拜访理光, demo done"}}}
    driver.submit("U1", view, answer)
    with db.transaction() as session:
        (saved,) = session.scalars(select(CheckIn)).all()
        assert (saved.local_date, saved.done_text) == (thursday, "拜访理光, demo done")


def test_a_forged_or_future_day_falls_back_to_today() -> None:
    today = date(2026, 11, 27)
    assert prompt_day("2026-11-26", today) == date(2026, 11, 26)
    assert prompt_day("2026-11-28", today) == today
    assert prompt_day("2025-01-01", today) == today
    assert prompt_day("yesterday'; drop", today) == today
    assert prompt_day(None, today) == today

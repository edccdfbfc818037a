"""Rate limits are not failures: a 429 waits as Slack asks and is not a delivery attempt; what a
429 storm left unsent goes out on the first sweep after Slack recovers (once); a job that keeps
leaving messages unsent says so in `jobs list`, /healthz and to the admins."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from dev.fake_slack import FakeSlack
from runtime.app import build_app
from runtime.web import default_health
from scheduler.health import job_health
from scheduler.service import ALERT_AFTER, run_job
from storage.db import Database
from storage.models import Delivery
from tests.faults.world import AT, JOB, people_with_overdue_follow_ups


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=fake.api_url)


def _nudges(fake: FakeSlack, users: list[str]) -> dict[str, int]:
    return {u: sum(1 for m in fake.dms_to(u) if "Call the buyer" in str(m.blocks) + m.text) for u in users}


def _rows(db: Database) -> list[tuple[str, int]]:
    with db.transaction() as session:
        return sorted(session.execute(select(Delivery.status, Delivery.attempts).where(Delivery.job == JOB)).all())


def test_a_storm_on_half_the_posts_is_waited_out_and_each_message_goes_once(
    db: Database, settings: Settings, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    users = people_with_overdue_follow_ups(db, 24)
    clock.set(AT)
    services = Services(settings=settings.model_copy(update={"workspace_send_rate": 200.0}), db=db, clock=clock)
    fake_slack.rate_limit(0.5, retry_after=1, method="chat.postMessage", calls=30)
    sent = run_job(services, _client(fake_slack), JOB, AT)
    assert sent == len(users)
    assert _nudges(fake_slack, users) == dict.fromkeys(users, 1)
    assert _rows(db) == [("sent", 0)] * len(users)  # a 429 is not an attempt
    posts = [c for c in fake_slack.calls if c.method == "chat.postMessage"]
    limited = [c for c in posts if c.status == 429]
    assert len(limited) == 15
    # Waited as asked: the posts after the first 429 went on only after its Retry-After (1 s),
    # and within Retry-After of any 429 only the posts already on the wire when it was answered
    # (one per sending thread, 8) reached Slack. Counted, not timed to the millisecond: on a
    # loaded machine a post already sent may arrive late, but no more of them than threads.
    first_limited = min(call.at for call in limited)
    assert max(c.at for c in posts) - first_limited >= 0.95
    for call in limited:
        assert len([c for c in posts if 0.3 < c.at - call.at < 0.95]) <= 8
    assert next(j for j in job_health(db, clock.now()) if j["name"] == JOB)["undelivered"] == 0


def test_messages_rate_limited_for_many_sweeps_are_never_abandoned_and_go_out_once_slack_recovers(
    db: Database, settings: Settings, clock: ManualClock, fake_slack: FakeSlack
) -> None:
    users = people_with_overdue_follow_ups(db, 10)  # U0000, the first, is the workspace's admin
    clock.set(AT)
    services = Services(settings=settings, db=db, clock=clock)
    client = _client(fake_slack)
    # Slack asks for 10 minutes' patience: longer than a sweep waits, so each sweep defers all.
    fake_slack.rate_limit(1.0, retry_after=600, method="chat.postMessage", calls=len(users) * ALERT_AFTER)
    for _ in range(ALERT_AFTER):
        assert run_job(services, client, JOB, clock.advance(timedelta(minutes=15))) == 0
    # After ALERT_AFTER such sweeps the storm has passed for the alert: the admin hears of it.
    alerts = [m for m in fake_slack.dms_to("U0000") if "could not deliver" in m.text]
    assert len(alerts) == 1 and "10 messages" in alerts[0].text and "ratelimited" in alerts[0].text
    fake_slack.rate_limit(1.0, retry_after=600, method="chat.postMessage")  # and it comes back
    for _ in range(4):  # 7 rate-limited sweeps in all: more than MAX_ATTEMPTS (5)
        assert run_job(services, client, JOB, clock.advance(timedelta(minutes=15))) == 0
    assert _rows(db) == [("failed", 0)] * len(users)
    job = next(j for j in job_health(db, clock.now()) if j["name"] == JOB)
    assert (job["undelivered"], job["undelivered_runs"]) == (10, ALERT_AFTER + 4)
    report = default_health(build_app(settings, db=db, clock=clock))
    assert report["undelivered"] == 10
    assert len([m for m in fake_slack.dms_to("U0000") if "could not deliver" in m.text]) == 1  # once a day

    fake_slack.rate_limit(0)  # Slack recovers
    assert run_job(services, client, JOB, clock.advance(timedelta(minutes=15))) == len(users)
    assert _nudges(fake_slack, users) == dict.fromkeys(users, 1)
    assert _rows(db) == [("sent", 0)] * len(users)
    job = next(j for j in job_health(db, clock.now()) if j["name"] == JOB)
    assert (job["undelivered"], job["undelivered_runs"]) == (0, 0)

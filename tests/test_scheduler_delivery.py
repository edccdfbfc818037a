"""The delivery ledger and the sender: each message once, whatever Slack or the process does."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.core.clock import ManualClock
from bot.core.services import Services
from bot.core.settings import Settings
from bot.people.members import ensure_person
from dev.fake_slack import FakeSlack
from scheduler import ledger
from scheduler.sender import FileUpload, Message, Pacer, Send, Sender
from storage.db import Database
from storage.models import Delivery, Person
from tests.conftest import TEAM


@pytest.fixture
def services(settings: Settings, db: Database, clock: ManualClock) -> Services:
    with db.transaction() as session:
        for user in ("U1", "U2", "U3"):
            ensure_person(session, TEAM, user, clock.now())
    return Services(settings=settings, db=db, clock=clock)


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=fake_slack.api_url)


def _send(user: str, key: str = "2026-11-23", text: str = "hello") -> Send:
    return Send(team_id=TEAM, recipient=user, dedupe_key=key, message=Message(text=text), summary=text)


def _posts(fake: FakeSlack) -> list:
    return fake.calls_to("chat.postMessage")


def test_a_key_is_sent_once_and_the_second_delivery_returns_the_first_ts(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    sender = Sender(services, client, job="test-job", at=clock.now())
    first = sender.deliver(_send("U1"))
    again = Sender(services, client, job="test-job", at=clock.now()).deliver(_send("U1", text="other text"))
    assert first.status == "sent" and first.channel == fake_slack.dm_channel("U1")
    assert again.status == "already_sent" and again.ts == first.ts
    assert [m.text for m in fake_slack.dms_to("U1")] == ["hello"]
    message = fake_slack.dms_to("U1")[0]
    assert ledger.delivery_id_in({"metadata": message.metadata}) == str(first.delivery_id)
    with services.db.transaction() as session:
        row = session.get(Delivery, first.delivery_id)
        assert row is not None and (row.status, row.message_ts) == ("sent", first.ts)
        person = session.scalars(select(Person).where(Person.slack_user_id == "U1")).one()
        assert person.dm_channel_id == fake_slack.dm_channel("U1")  # cached for the next claim


def test_every_other_call_answered_429_still_delivers_each_message_once(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.rate_limit_every(2)
    sender = Sender(services, client, job="test-job", at=clock.now())
    results = sender.deliver_all([_send(u) for u in ("U1", "U2", "U3")])
    assert [r.status for r in results] == ["sent"] * 3
    assert any(c.status == 429 for c in fake_slack.calls)
    for user in ("U1", "U2", "U3"):
        assert len(fake_slack.dms_to(user)) == 1


def test_a_claim_left_unsent_by_a_crash_is_sent_once(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    with services.db.transaction() as session:  # the crashed run got this far: claimed, committed
        claim = ledger.claim(session, team_id=TEAM, job="test-job", recipient="U1", dedupe_key="k", at=clock.now())
    assert claim.fresh
    result = Sender(services, client, job="test-job", at=clock.now()).deliver(_send("U1", key="k"))
    assert (result.status, result.delivery_id) == ("sent", claim.id)
    assert len(fake_slack.dms_to("U1")) == 1


def test_a_claim_whose_message_did_reach_slack_is_not_sent_again(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    with services.db.transaction() as session:
        claim = ledger.claim(session, team_id=TEAM, job="test-job", recipient="U1", dedupe_key="k", at=clock.now())
    # The crashed run's post reached Slack; its answer never came back.
    posted = client.chat_postMessage(channel="U1", text="hello", metadata=ledger.metadata_for(claim.id, "test-job"))
    client.chat_postMessage(channel="U1", text="something else since")
    result = Sender(services, client, job="test-job", at=clock.now()).deliver(_send("U1", key="k"))
    assert (result.status, result.ts) == ("recovered", posted["ts"])
    assert len(fake_slack.dms_to("U1")) == 2
    assert any(c.method == "conversations.history" and c.params.get("include_all_metadata") for c in fake_slack.calls)


def test_without_the_job_lock_an_in_flight_claim_is_left_alone(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    with services.db.transaction() as session:
        ledger.claim(session, team_id=TEAM, job="test-job", recipient="U1", dedupe_key="k", at=clock.now())
    result = Sender(services, client, job="test-job", at=clock.now(), holds_lock=False).deliver(_send("U1", key="k"))
    assert result.status == "skipped"
    assert fake_slack.dms_to("U1") == []


def test_two_senders_at_once_without_locks_send_each_message_once(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    sends = [_send(u, key=f"k{i}") for i in range(5) for u in ("U1", "U2", "U3")]
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        Sender(services, client, job="test-job", at=clock.now(), holds_lock=False).deliver_all(sends)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user in ("U1", "U2", "U3"):
        assert len(fake_slack.dms_to(user)) == 5


def test_thread_replies_and_files_resume_after_a_crash(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    sender = Sender(services, client, job="test-recap", at=clock.now())
    parent = sender.deliver(Send(team_id=TEAM, recipient="C0RECAP", dedupe_key="W48", message=Message(text="Recap")))
    assert parent.status == "sent" and parent.channel == "C0RECAP"
    with services.db.transaction() as session:  # a reply claimed, and posted, by a run that then died
        reply = ledger.claim(
            session,
            team_id=TEAM,
            job="test-recap",
            recipient="C0RECAP",
            dedupe_key="W48:1",
            at=clock.now(),
            channel_id="C0RECAP",
            thread_ts=parent.ts,
        )
    client.chat_postMessage(
        channel="C0RECAP", text="reply 1", thread_ts=parent.ts, metadata=ledger.metadata_for(reply.id, "test-recap")
    )
    again = Sender(services, client, job="test-recap", at=clock.now())
    sends = [
        Send(team_id=TEAM, recipient="C0RECAP", dedupe_key="W48", message=Message(text="Recap")),
        Send(
            team_id=TEAM,
            recipient="C0RECAP",
            dedupe_key="W48:1",
            channel="C0RECAP",
            thread_ts=parent.ts,
            message=Message(text="reply 1"),
        ),
        Send(
            team_id=TEAM,
            recipient="C0RECAP",
            dedupe_key="W48:2",
            channel="C0RECAP",
            thread_ts=parent.ts,
            message=Message(text="the chart", files=[FileUpload("funnel-W48.png", b"\x89PNG...", "Funnel")]),
        ),
    ]
    results = again.deliver_all(sends)
    assert [r.status for r in results] == ["already_sent", "recovered", "sent"]
    assert results[0].ts == parent.ts
    assert any(c.method == "conversations.replies" for c in fake_slack.calls)
    thread = fake_slack.messages_in("C0RECAP", thread_ts=parent.ts)
    assert [m.text for m in thread] == ["Recap", "reply 1", "the chart"]
    assert thread[-1].files and thread[-1].files[0]["name"] == "funnel-W48.png"
    assert again.sent == 1


def test_a_permanent_slack_error_is_recorded_and_not_retried(
    services: Services, client: WebClient, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    result = Sender(services, client, job="test-job", at=clock.now()).deliver(_send("U1"))
    assert (result.status, result.error) == ("failed", "channel_not_found")
    later = Sender(services, client, job="test-job", at=clock.now() + timedelta(minutes=5)).deliver(_send("U1"))
    assert later.status == "failed"
    assert fake_slack.dms_to("U1") == []


def test_the_pacer_spaces_posts_per_channel_and_per_workspace() -> None:
    pacer = Pacer(rate=10, channel_interval=1.0, headroom=0)
    slots = [pacer.reserve("T1", f"C{i}") for i in range(5)]
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert all(abs(g - 0.1) < 1e-6 for g in gaps)
    same = [pacer.reserve("T2", "C1") for _ in range(3)]
    assert same[2] - same[0] == pytest.approx(2.0)

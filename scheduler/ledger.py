"""The delivery ledger: one row per scheduled message, claimed before Slack is called.

Why: a scheduled message must go out exactly once, even when the process dies mid-sweep or
two processes sweep at the same moment. The row's unique key (workspace, job, recipient,
dedupe_key) does that:

1. `claim` inserts the row with INSERT … ON CONFLICT DO NOTHING and the caller commits it
   *before* calling Slack. Whoever inserted it owns the message; anyone else gets the existing
   row back (`Claim.fresh` is False) and must not send.
2. The message carries the row's id in Slack message metadata (`metadata_for`).
3. `mark_sent` records the ts Slack returned, and runs the job's `after_sent` effect (for
   example "these contacts were warned at 90 days") in the same transaction.

A claim still `claimed` after its process died is resolved by the sender (holding the job's
lock, so nobody else can be sending it): it looks for the row id in the conversation's recent
history and either marks it sent (it did go out) or sends it again under the same id. So a
message whose send returned is never sent again, and a crash loses nothing.

This module is plain SQL (no Slack); `scheduler.sender.Sender` is the only caller that talks to
Slack. Other jobs (digests, recaps) use the sender, not these functions directly, except
`after_sent` to register an effect. (`/coach why` reads the same table from bot/people/notify.py.)

Statuses: `claimed` (owned, Slack not yet known to have it), `sent`, `held` (deliberately not
sent, `reason` says why: time off, holiday, weekend), `failed` (Slack refused it; `attempts`
and `last_error` say how often and why; retried by a later sweep until `MAX_ATTEMPTS`). A
message Slack rate limited (HTTP 429) is `failed` without counting an attempt (`defer`): a
rate limit says nothing about the message, so the next sweep sends it.

Fencing: the job lock (scheduler.locks) can be lost without the holder noticing at once (its
connection terminated, a network split), and another sweep may then take the lock. Each sweep
therefore sends under a fencing token (`JobRun.fence`, raised by one by every sweep that takes
the lock), and `take` stamps the row with that token just before the Slack call, only if the
token is still the job's current one and no other sweep took the row within `LEASE` (it may be
mid-call). A sweep whose `take` fails because its token is stale stops sending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Delivery, JobRun, Person
from storage.queries.sql import insert_ignoring_conflict, rows_affected

EVENT_TYPE = "pipeline_coach_delivery"
MAX_ATTEMPTS = 5
MAX_ITEMS = 500  # what `items` keeps: enough to say what a message held, bounded in size
# How long a row taken for sending is presumed mid-call to Slack: longer than one post can
# take (the client's 30 s timeout, connection retries only when nothing reached Slack).
LEASE = timedelta(minutes=5)

Effect = Callable[[Session, Delivery], None]
EFFECTS: dict[str, Effect] = {}


def after_sent(job: str) -> Callable[[Effect], Effect]:
    """Register what becomes true once a message of `job` is known to be in Slack.

    The effect runs inside the transaction that marks the row sent, whether the send returned
    normally or was found in history after a crash, and reads what was sent from
    `delivery.items`. Use it for "reported once" state (a contact's decay rung, a deal's stale
    flag), never for Slack calls.
    """

    def decorate(fn: Effect) -> Effect:
        EFFECTS[job] = fn
        return fn

    return decorate


@dataclass(frozen=True)
class Claim:
    """The ledger row for one message; `fresh` when this call created it (and so owns it)."""

    id: int
    fresh: bool
    status: str
    team_id: str
    job: str
    recipient: str
    dedupe_key: str
    channel_id: str | None
    message_ts: str | None
    thread_ts: str | None
    attempts: int
    items: list[Any] | None

    @classmethod
    def of(cls, row: Delivery, *, fresh: bool) -> Claim:
        return cls(
            id=row.id,
            fresh=fresh,
            status=row.status,
            team_id=row.team_id,
            job=row.job,
            recipient=row.recipient,
            dedupe_key=row.dedupe_key,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            thread_ts=row.thread_ts,
            attempts=row.attempts,
            items=row.items,
        )


def _key(team_id: str, job: str, recipient: str, dedupe_key: str) -> tuple[Any, ...]:
    return (
        Delivery.team_id == team_id,
        Delivery.job == job,
        Delivery.recipient == recipient,
        Delivery.dedupe_key == dedupe_key,
    )


def is_user_id(value: str | None) -> bool:
    return bool(value) and str(value)[0] in "UW"


def cached_dm_channel(session: Session, team_id: str, user_id: str) -> str | None:
    return session.scalar(
        select(Person.dm_channel_id).where(Person.team_id == team_id, Person.slack_user_id == user_id)
    )


def claim(
    session: Session,
    *,
    team_id: str,
    job: str,
    recipient: str,
    dedupe_key: str,
    at: datetime,
    channel_id: str | None = None,
    thread_ts: str | None = None,
    summary: str | None = None,
    items: Sequence[Any] | None = None,
    status: str = "claimed",
    reason: str | None = None,
) -> Claim:
    """Insert the row for this message unless it exists; the caller commits before sending.

    `channel_id` defaults to the recipient's cached DM channel when the recipient is a user.
    """
    if channel_id is None and is_user_id(recipient):
        channel_id = cached_dm_channel(session, team_id, recipient)
    values = {
        "team_id": team_id,
        "job": job[:40],
        "recipient": recipient[:40],
        "dedupe_key": dedupe_key[:120],
        "status": status,
        "reason": reason,
        "summary": summary,
        "channel_id": channel_id,
        "thread_ts": thread_ts,
        "items": list(items)[:MAX_ITEMS] if items is not None else None,
        "attempts": 0,
        "claimed_at": at,
    }
    key = ["team_id", "job", "recipient", "dedupe_key"]
    stmt = insert_ignoring_conflict(session, Delivery, values, key=key).returning(Delivery.id)
    new_id = session.execute(stmt).scalar()
    row = session.scalars(select(Delivery).where(*_key(team_id, job, recipient, dedupe_key))).one()
    return Claim.of(row, fresh=new_id is not None)


def hold(
    session: Session,
    *,
    team_id: str,
    job: str,
    recipient: str,
    dedupe_key: str,
    at: datetime,
    reason: str,
    summary: str | None = None,
    items: Sequence[Any] | None = None,
) -> bool:
    """Record that a message was deliberately not sent (and why); False if the key was taken."""
    result = claim(
        session,
        team_id=team_id,
        job=job,
        recipient=recipient,
        dedupe_key=dedupe_key,
        at=at,
        summary=summary,
        items=items,
        status="held",
        reason=reason[:200],
    )
    return result.fresh


def refresh(session: Session, delivery_id: int, *, summary: str | None, items: Sequence[Any] | None) -> None:
    """A claim about to be sent again after a crash: record what this attempt will say."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(summary=summary, items=list(items)[:MAX_ITEMS] if items is not None else None)
    )


def mark_sent(session: Session, delivery_id: int, *, channel_id: str, ts: str, sent_at: datetime) -> None:
    """The message is in Slack: record where, run the job's effect, cache the DM channel."""
    row = session.get(Delivery, delivery_id, with_for_update=session.get_bind().dialect.name == "postgresql")
    if row is None or row.status == "sent":
        return
    row.status = "sent"
    row.channel_id = channel_id
    row.message_ts = ts
    row.sent_at = sent_at
    row.last_error = None
    effect = EFFECTS.get(row.job)
    if effect is not None:
        effect(session, row)
    if is_user_id(row.recipient) and channel_id.startswith("D"):
        session.execute(
            update(Person)
            .where(
                Person.team_id == row.team_id,
                Person.slack_user_id == row.recipient,
                (Person.dm_channel_id.is_(None)) | (Person.dm_channel_id != channel_id),
            )
            .values(dm_channel_id=channel_id)
        )


def take(session: Session, delivery_id: int, *, token: int, job: str | None, now: datetime) -> bool:
    """Stamp the row as being sent under `token`, right before the Slack call; False when this
    sender must not send it (see "Fencing" above). With `job`, `token` must also still be that
    job's fencing token; without (an unfenced sender, which only sends rows it claimed itself,
    under a token of its own) only the stamp of another sender within `LEASE` stops it.

    One UPDATE, so two sweeps racing for a row are ordered by the row lock (PostgreSQL) or the
    write lock (SQLite): the second sees the first's stamp and backs off.
    """
    conditions = [
        Delivery.id == delivery_id,
        Delivery.status.in_(("claimed", "failed")),
        or_(Delivery.taken_at.is_(None), Delivery.taken_at < now - LEASE, Delivery.fence == token),
    ]
    if job is not None:
        conditions.append(exists().where(JobRun.name == job, JobRun.fence == token))
    stmt = update(Delivery).where(*conditions).values(fence=token, taken_at=now)
    return bool(rows_affected(session.execute(stmt.execution_options(synchronize_session=False))))


def fence_is_current(session: Session, job: str, fence: int) -> bool:
    """Whether `fence` is still job `job`'s token (no later sweep has taken the lock)."""
    return session.scalar(select(JobRun.fence).where(JobRun.name == job)) == fence


def mark_failed(session: Session, delivery_id: int, error: str, *, permanent: bool = False) -> int:
    """Slack refused the message (or could not be reached): count the attempt; the attempts so far."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.status == "sent":
        return 0
    row.attempts += 1
    row.last_error = error[:1000]
    row.status = "failed"
    row.taken_at = None
    if permanent:
        row.attempts = max(row.attempts, MAX_ATTEMPTS)
    return row.attempts


def defer(session: Session, delivery_id: int, error: str) -> None:
    """Slack asked us to slow down (429): not sent, not an attempt; the next sweep sends it."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status != "sent")
        .values(status="failed", last_error=error[:1000], taken_at=None)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, delivery_id: int) -> None:
    """A row taken but not sent (the sweep stopped): free it for whoever sends next."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status != "sent")
        .values(taken_at=None)
        .execution_options(synchronize_session=False)
    )


def count_attempt(session: Session, delivery_id: int) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(attempts=Delivery.attempts + 1))


def unresolved(session: Session, job: str, *, since: datetime) -> list[Claim]:
    """Claims of `job` not known to be sent (left by a crash or a failed call), newest first."""
    rows = session.scalars(
        select(Delivery)
        .where(
            Delivery.job == job,
            Delivery.status.in_(("claimed", "failed")),
            Delivery.claimed_at >= since,
            Delivery.attempts < MAX_ATTEMPTS,
        )
        .order_by(Delivery.claimed_at.desc())
        .limit(1000)
    )
    return [Claim.of(row, fresh=False) for row in rows]


def prune(session: Session, *, before: datetime) -> int:
    """Forget ledger rows claimed before `before` (their keys can no longer come round again)."""
    return rows_affected(session.execute(delete(Delivery).where(Delivery.claimed_at < before)))


def metadata_for(delivery_id: int, job: str) -> dict[str, Any]:
    """The Slack message metadata that lets a later process find this message by its row id."""
    return {"event_type": EVENT_TYPE, "event_payload": {"delivery_id": str(delivery_id), "job": job}}


def delivery_id_in(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("delivery_id")
    return str(value) if value is not None else None

"""Once-only handling of Events API deliveries, across every process sharing the database.

Slack re-sends an event it thinks we missed (`X-Slack-Retry-Num`, same `event_id`), and the
retry may reach another process behind the load balancer, so memory cannot say "seen it". A
receipt row keyed by (team, event_id) is inserted before the event is handled; a second
insert of the same key does nothing, and that request is acknowledged and dropped.

Buttons and modals have no event id: their operations carry request keys of their own (a
visit's `request_key`, a view id), enforced by unique constraints, not by this table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from storage.db import Database
from storage.models import EventReceipt
from storage.queries.sql import insert_ignoring_conflict, rows_affected

# Slack retries three times within about an hour; a day is a wide margin.
RECEIPT_TTL = timedelta(days=1)


def claim_event(db: Database, team_id: str, event_id: str, now: datetime) -> bool:
    """True for the first delivery of `event_id` in `team_id`, False for any repeat."""
    values = {"team_id": team_id[:32], "event_id": event_id[:64], "received_at": now}
    with db.transaction() as session:
        inserted = session.execute(
            insert_ignoring_conflict(session, EventReceipt, values, key=["team_id", "event_id"]).returning(
                EventReceipt.event_id
            )
        ).scalar()
        return inserted is not None  # (rowcount is not reliable for ORM inserts on every driver)


def prune_receipts(db: Database, now: datetime) -> int:
    with db.transaction() as session:
        result = session.execute(delete(EventReceipt).where(EventReceipt.received_at < now - RECEIPT_TTL))
        return rows_affected(result)

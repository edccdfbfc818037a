"""The delivery ledger for scheduled messages, and the health record of each job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin
from storage.types import UTCDateTime, json_type


class Delivery(TenantMixin, Base):
    """One scheduled message, claimed before it is sent.

    The unique key (workspace, job, recipient, dedupe_key) is what makes a message go out once:
    a claim is an INSERT … ON CONFLICT DO NOTHING committed before the Slack call. `status`:
    claimed, sent, held (not sent, `reason` says why: quiet hours, time off…), failed.

    `channel_id` is where the message goes (known at claim time for channels and cached DMs,
    else filled in from Slack's answer); `thread_ts` makes it a thread reply. `items` lists what
    the message reported (follow-up ids, contact rungs…), so a claim resolved after a crash
    records exactly what was sent, and `/coach why` can say what was held back.

    `fence` is the fencing token (`JobRun.fence`) of the sweep that last took the row for
    sending and `taken_at` when it did (scheduler.ledger.take): a sweep whose token is no longer
    the job's current one may not send, and a row taken moments ago by another sweep is left
    alone (that sweep may be mid-call to Slack).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "job", "recipient", "dedupe_key"),
        Index("ix_deliveries_status_claimed", "status", "claimed_at"),
        Index("ix_deliveries_team_recipient_claimed", "team_id", "recipient", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(40), nullable=False)
    recipient: Mapped[str] = mapped_column(String(40), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="claimed")
    reason: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(40))
    message_ts: Mapped[str | None] = mapped_column(String(40))
    thread_ts: Mapped[str | None] = mapped_column(String(40))
    items: Mapped[list[Any] | None] = mapped_column(json_type())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fence: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JobRun(Base):
    """Last run of each scheduler job (not per workspace: a sweep covers them all).

    `fence` goes up by one each time a sweep of the job takes the job's lock: the fencing token
    that sweep sends under. `undelivered` counts messages the last sweep left unsent because
    Slack was rate limiting or failing (shown by `jobs list` and /healthz), `undelivered_runs`
    how many sweeps in a row left some (admins are told after `ALERT_AFTER`).
    """

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    fence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    undelivered: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    undelivered_runs: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

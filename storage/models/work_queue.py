"""Acknowledged requests waiting for a worker, kept in the database (PostgreSQL).

`serve` answers Slack first and leaves the work of some listeners (`/visit <text>`) to worker
processes. On one machine a local file spool (runtime/spool.py) carries that hand-over; with
PostgreSQL the hand-over lives here instead, so that a worker on any machine finishes what a
`serve` on a machine that was lost had acknowledged (runtime/queue.py claims these rows with
`FOR UPDATE SKIP LOCKED`). The table exists on SQLite too (one schema for both databases) but
is not used there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class WorkItem(Base):
    """One acknowledged request: its verified body and headers as JSON (`payload`, a
    `runtime.spool.SpoolEntry`), how often a worker has taken it, and until when the worker
    that took it last owns it (`lease_until`, the database's clock). A row is deleted when its
    work is done; one taken `MAX_ATTEMPTS` times without being done is kept with `failed_at`."""

    __tablename__ = "work_queue"
    __table_args__ = (Index("ix_work_queue_waiting", "id", postgresql_where=text("failed_at IS NULL")),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    function: Mapped[str] = mapped_column(String(100), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

"""Leads (线索): a company and a person someone wants contacted, and the keys forms post with.

A lead is always attached to an account (`Account.is_lead` marks an account that came in as a
lead and has not been contacted yet); the row here keeps what came with it (person, phone,
email, source, note), who it is assigned to, when its first contact is due (counted in working
hours, bot/leads/clock.py) and what the speed-to-lead job already sent about it.
`request_key` makes a repeated submission (same external id, same Idempotency-Key, same slash
command trigger) find the lead stored the first time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class Lead(TenantMixin, CreatedAtMixin, Base):
    """`status`: open (not contacted yet), contacted, dropped ("not a fit")."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("team_id", "request_key"),
        Index("ix_leads_team_status_due", "team_id", "status", "due_at"),
        Index("ix_leads_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    company: Mapped[str] = mapped_column(String(200), nullable=False)
    person_name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    source: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="slash")  # slash, http, csv
    request_key: Mapped[str | None] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dropped_reason: Mapped[str | None] = mapped_column(String(200))
    # The deal opened from this lead (the first deal on its account after it came in): how each
    # deal remembers its lead source, and what "lead → deal → won by source" counts.
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))


class LeadKey(TenantMixin, CreatedAtMixin, Base):
    """A workspace's key for `POST /leads`: only its SHA-256 is stored (the key is shown once).

    `window_start`/`window_count` are the per-key rate counter (a fixed one-minute window).
    """

    __tablename__ = "lead_keys"
    __table_args__ = (UniqueConstraint("key_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

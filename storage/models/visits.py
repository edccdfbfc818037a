"""Visits (拜访): every logged customer contact, and who was met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class Visit(TenantMixin, CreatedAtMixin, Base):
    """One contact with a customer.

    `channel`: phone, im, email, in_person, informal. `source`: command, modal, shortcut.
    `raw_text` keeps what the rep typed; `request_key` makes a retried or double-submitted
    request store the visit once.
    """

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_team_rep_occurred", "team_id", "rep_id", "occurred_at"),
        Index("ix_visits_account_occurred", "account_id", "occurred_at"),
        Index("ix_visits_team_occurred", "team_id", "occurred_at"),
        UniqueConstraint("team_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    purpose: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="command")
    raw_text: Mapped[str | None] = mapped_column(Text)
    permalink: Mapped[str | None] = mapped_column(String(500))
    request_key: Mapped[str | None] = mapped_column(String(100))


class VisitContact(TenantMixin, Base):
    """A contact met on a visit, with what the visit changed (kept so Undo can restore it)."""

    __tablename__ = "visit_contacts"
    __table_args__ = (Index("ix_visit_contacts_contact", "contact_id"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    level_before: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    level_after: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    face_to_face_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_contact: Mapped[bool] = mapped_column(nullable=False, default=False)

"""Handovers (docs/method.md §10): who moved a leaving rep's accounts, deals and follow-ups to whom.

The moved rows only change owner; their history (visits, stage changes, closed deals) stays as
it was. This record says when ownership changed hands, who did it, and how much moved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin
from storage.types import UTCDateTime


class Handover(TenantMixin, Base):
    __tablename__ = "handovers"
    __table_args__ = (Index("ix_handovers_team_at", "team_id", "handed_over_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    to_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    handed_over_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    accounts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deals: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    follow_ups: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

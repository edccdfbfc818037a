"""The audit trail of corrections to visits: who changed what, when, before → after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin
from storage.types import UTCDateTime, json_type


class VisitChange(TenantMixin, Base):
    """One correction of a visit (an edit or a delete), kept after the visit is gone.

    `visit_id` is not a foreign key on purpose: a deleted visit's trail must survive it.
    `before` / `after` hold the changed fields only (after is None for a delete).
    """

    __tablename__ = "visit_changes"
    __table_args__ = (Index("ix_visit_changes_team_visit", "team_id", "visit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(Integer, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False, default=dict)
    after: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

"""The audit trail of corrections made from Slack: who changed which record, when, before → after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin
from storage.types import UTCDateTime, json_type


class RecordChange(TenantMixin, Base):
    """One correction of a record (`kind`: visit, contact; `action`: edit, delete), kept after
    the record is gone.

    `object_id` is not a foreign key on purpose: a deleted visit's trail must survive it.
    `before` / `after` hold the changed fields only (after is None for a delete); `reason` is
    what the person gave (a relationship level changed by hand must say why).
    """

    __tablename__ = "record_changes"
    __table_args__ = (Index("ix_record_changes_team_kind_object", "team_id", "kind", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False, default=dict)
    after: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

"""The audit trail of workspace settings: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin
from storage.types import UTCDateTime, json_type


class SettingsChange(TenantMixin, Base):
    """One changed setting (`/coach settings` or `pipeline-coach settings set`): kept forever so
    an admin can answer "who moved the visit standard, and from what?"."""

    __tablename__ = "settings_changes"
    __table_args__ = (Index("ix_settings_changes_team_at", "team_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    old_value: Mapped[Any] = mapped_column(json_type(), nullable=True)
    new_value: Mapped[Any] = mapped_column(json_type(), nullable=True)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)  # a Slack user id, or "cli"
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="slack")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # A per-team setting's team (None: the workspace's own setting).
    sales_team_id: Mapped[int | None] = mapped_column(ForeignKey("sales_teams.id", ondelete="SET NULL"))

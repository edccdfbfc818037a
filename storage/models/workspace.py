"""Workspaces (tenants) and what admins configure for them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime, json_type


class Workspace(CreatedAtMixin, Base):
    """A Slack workspace. `config` holds the validated workspace settings (bot.core.config)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    config: Mapped[dict[str, Any]] = mapped_column(json_type(), nullable=False, default=dict)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Stage(TenantMixin, Base):
    """One step of a workspace's funnel. Retired stages stay (is_active false) for history."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name_en: Mapped[str] = mapped_column(String(80), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(80), nullable=False)
    probability: Mapped[Decimal] = mapped_column(Numeric(5, 4), nullable=False)
    exit_criteria: Mapped[list[str]] = mapped_column(json_type(), nullable=False, default=list)
    max_days: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Holiday(TenantMixin, Base):
    """A day off: no check-ins, no nudges, for the people it belongs to.

    `scope` says whose: "" the whole workspace; "team:<sales team id>" one sales team (its
    manager and the people they manage); "region:<CC>" people whose Slack time zone is in
    that country (ISO code, from the time zone database's zone.tab: Asia/Shanghai is CN).
    """

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("team_id", "day", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    scope: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")


class SalesTeam(TenantMixin, CreatedAtMixin, Base):
    """A manager's team and where its digests are posted.

    The members are the people whose `manager_id` is this team's manager; a Slack user group
    (`usergroup_id`) can be used to fill that in.
    """

    __tablename__ = "sales_teams"
    __table_args__ = (UniqueConstraint("team_id", "manager_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    digest_channel_id: Mapped[str | None] = mapped_column(String(32))
    usergroup_id: Mapped[str | None] = mapped_column(String(32))
    # The team's own digest days and times ({"digest_time": "08:30", …}); a key not set here
    # falls back to the workspace's schedule (see bot.settings.team).
    settings: Mapped[dict[str, Any] | None] = mapped_column(json_type(), nullable=True)


class Target(TenantMixin, CreatedAtMixin, Base):
    """A rep's sales target for a period (set by a manager: `/coach target @rep 500k Q1`)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("team_id", "person_id", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), nullable=False)

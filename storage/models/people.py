"""People: reps, managers and admins, as Slack users of one workspace."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime


class Person(TenantMixin, CreatedAtMixin, Base):
    """A Slack user known to the bot.

    `tz` and `locale` come from Slack's users.info and are cached here (`profile_fetched_at`);
    `manager_id` says who manages whom; a manager's team is the people whose manager they are.
    `lang` is the user's own override (`/visit lang zh`). Quiet hours and check-in times left
    empty fall back to the workspace configuration. `founder` is True on the first person the
    workspace saw (made its admin) and NULL on everyone else: the unique key on (team, founder)
    lets only one request win that race, whatever the database's isolation.
    """

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        Index("ix_people_team_role", "team_id", "role"),
        Index("uq_people_team_founder", "team_id", "founder", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="rep")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    tz: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    locale: Mapped[str | None] = mapped_column(String(16))
    lang: Mapped[str | None] = mapped_column(String(8))
    profile_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    checkin_morning: Mapped[str | None] = mapped_column(String(5))
    checkin_evening: Mapped[str | None] = mapped_column(String(5))
    dm_channel_id: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    founder: Mapped[bool | None] = mapped_column(Boolean)
    # Slack's own "away" signals, as last looked up by the scheduler (bot/people/away.py):
    # 'dnd', 'status' or None, and when; a scheduled message waits while one is set.
    away_reason: Mapped[str | None] = mapped_column(String(16))
    away_detail: Mapped[str | None] = mapped_column(String(100))
    away_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TimeOff(TenantMixin, CreatedAtMixin, Base):
    """Personal time off (`/checkin off until …`): the scheduler sends nothing in it."""

    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_person_end", "person_id", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")

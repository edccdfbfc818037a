"""Calendars: a rep's private ICS address, and the customer meetings read from it (issue 20).

Only what prompting needs is kept: the event's uid and occurrence, its times and title, the
account it matched and the attendees who matched (never the whole calendar, never the URL in
clear when `SECRET_KEY` is set).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, CreatedAtMixin, TenantMixin
from storage.types import UTCDateTime, json_type


class AccountDomain(TenantMixin, Base):
    """An email domain of an account ("ricoh.com"): an attendee at it is that account's person."""

    __tablename__ = "account_domains"
    __table_args__ = (UniqueConstraint("team_id", "domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    domain: Mapped[str] = mapped_column(String(253), nullable=False)


class CalendarConnection(TenantMixin, CreatedAtMixin, Base):
    """One rep's calendar feed and how reading it went.

    `url_secret` is the address, Fernet-encrypted (`fernet:` prefix) when SECRET_KEY is set,
    else stored as `plain:`; `url_hint` is what the rep is shown back (scheme and host only).
    `etag` / `last_modified` make the next read conditional, except when the last full read
    (`parsed_at`) is older than a few hours: the window of days read moves on even when the
    file does not change. `failures` drives the backoff
    (`next_fetch_at`) and `error_notified` makes the "your calendar stopped working" DM once
    per breakage.
    """

    __tablename__ = "calendar_connections"
    __table_args__ = (
        UniqueConstraint("person_id"),
        Index("ix_calendar_connections_next_fetch", "next_fetch_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    url_secret: Mapped[str] = mapped_column(Text, nullable=False)
    url_hint: Mapped[str] = mapped_column(String(120), nullable=False)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_fetch_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    error_notified: Mapped[bool] = mapped_column(nullable=False, default=False)
    meetings_found: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CalendarMeeting(TenantMixin, Base):
    """One occurrence of a customer meeting on a rep's calendar.

    `occurrence` is the event's RECURRENCE-ID (or its start) in UTC, so a moved exception of a
    series stays the same row. `status`: pending (not ended, or not yet prompted), queued
    (assigned to the prompt `prompt_key`, being sent), prompted, later, logged, dismissed.
    `attendees` keeps only the attendees that matched: [{"email", "name", "contact_id"}].
    """

    __tablename__ = "calendar_meetings"
    __table_args__ = (
        UniqueConstraint("person_id", "uid", "occurrence"),
        Index("ix_calendar_meetings_team_status_ends", "team_id", "status", "ends_at"),
        Index("ix_calendar_meetings_person_starts", "person_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), nullable=False)
    uid: Mapped[str] = mapped_column(String(255), nullable=False)
    occurrence: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="in_person")
    attendees: Mapped[list[Any] | None] = mapped_column(json_type())
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    prompt_key: Mapped[str | None] = mapped_column(String(60))
    prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))

"""Time, in one place, so tests and the shell can move it.

Everything that needs "now" asks a `Clock`. Production uses the system clock; the shell and
the tests use a `ManualClock` that they can set and advance.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that stands still until moved (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = (start or datetime.now(UTC)).astimezone(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name`, or UTC if it is empty or unknown (Slack sends IANA names)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_now(clock: Clock, tz: str | None) -> datetime:
    return clock.now().astimezone(zone(tz))


def local_date(instant: datetime, tz: str | None) -> date:
    return instant.astimezone(zone(tz)).date()


def start_of_local_day(day: date, tz: str | None) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz)).astimezone(UTC)


def days(n: float) -> timedelta:
    return timedelta(days=n)

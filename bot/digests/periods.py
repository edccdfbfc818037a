"""The periods a digest covers, as local dates and the UTC instants that bound them.

A manager's digest speaks of *their* days: "yesterday", "last week", "this month" are local
dates in the manager's time zone, and the database is asked with the UTC instants at which
those dates begin (`bot.core.clock.start_of_local_day`), so a visit at 23:30 Shanghai time counts
on the day the rep lived it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.clock import start_of_local_day


@dataclass(frozen=True)
class Window:
    """Local dates `first`..`last` (inclusive) in `tz`."""

    first: date
    last: date
    tz: str

    @property
    def start(self) -> datetime:
        return start_of_local_day(self.first, self.tz)

    @property
    def end(self) -> datetime:
        """The instant just after the window (exclusive bound)."""
        return start_of_local_day(self.last + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def day_window(day: date, tz: str) -> Window:
    return Window(day, day, tz)


def week_of(day: date, tz: str) -> Window:
    """Monday..Sunday of the week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return Window(monday, monday + timedelta(days=6), tz)


def last_week(day: date, tz: str) -> Window:
    """The full Monday..Sunday week before the week of `day`."""
    return week_of(day - timedelta(days=7), tz)


def trailing(day: date, days: int, tz: str) -> Window:
    """The `days` days that end with `day` (inclusive)."""
    return Window(day - timedelta(days=days - 1), day, tz)


def month_of(day: date, tz: str) -> Window:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Window(first, following - timedelta(days=1), tz)


def previous_month(day: date, tz: str) -> Window:
    return month_of(day.replace(day=1) - timedelta(days=1), tz)


def year_to(day: date, tz: str) -> Window:
    """1 January of `day`'s year up to `day`."""
    return Window(date(day.year, 1, 1), day, tz)

"""The occurrences of a calendar in a time window, read with icalendar + recurring-ical-events
(recurring series, moved and cancelled exceptions, EXDATEs, time zones and DST all handled by
those libraries). Nothing else of the calendar is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
import recurring_ical_events


class CalendarUnreadable(Exception):
    """The body is not an iCalendar file."""


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event: `occurrence` keys it within its `uid` (RECURRENCE-ID or start, UTC)."""

    uid: str
    occurrence: str
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    private: bool
    cancelled: bool
    location: str
    description: str
    organizer: str | None
    attendees: tuple[Attendee, ...]


def _instant(value: Any, tz_default: Any = UTC) -> tuple[datetime, bool]:
    """(UTC instant, all_day) of a DTSTART/DTEND value (floating times read as UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz_default)
        return value.astimezone(UTC), False
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC), True
    raise CalendarUnreadable("bad date")


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else None


def _attendees(component: Any) -> tuple[Attendee, ...]:
    raw = component.get("ATTENDEE")
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    found: dict[str, Attendee] = {}
    for value in values:
        email = _email(value)
        if email is None:
            continue
        params = getattr(value, "params", {}) or {}
        name = str(params.get("CN") or "").strip().strip('"')
        found[email] = Attendee(email, name if name and "@" not in name else "")
    return tuple(found.values())


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def read_occurrences(body: bytes, start: datetime, end: datetime) -> list[Occurrence]:
    """Every event occurrence overlapping [start, end), cancelled ones flagged, sorted by start."""
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarUnreadable(str(exc)[:100]) from None
    if calendar.name != "VCALENDAR":
        raise CalendarUnreadable("not a calendar")
    try:
        components = recurring_ical_events.of(calendar, components=["VEVENT"]).between(start, end)
    except Exception as exc:  # the library raises its own errors for broken rules
        raise CalendarUnreadable(type(exc).__name__) from None
    occurrences = []
    for event in components:
        uid = _text(event, "UID")
        dtstart = event.get("DTSTART")
        if not uid or dtstart is None:
            continue
        starts_at, all_day = _instant(dtstart.dt)
        dtend = event.get("DTEND")
        if dtend is not None:
            ends_at, _ = _instant(dtend.dt)
        elif event.get("DURATION") is not None:
            ends_at = starts_at + event.get("DURATION").dt
        else:
            ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(0))
        recurrence = event.get("RECURRENCE-ID")
        key = _instant(recurrence.dt)[0] if recurrence is not None else starts_at
        organizer = _email(event.get("ORGANIZER"))
        occurrences.append(
            Occurrence(
                uid=uid[:255],
                occurrence=key.strftime("%Y%m%dT%H%M%SZ"),
                title=_text(event, "SUMMARY")[:200],
                starts_at=starts_at,
                ends_at=ends_at,
                all_day=all_day,
                private=_text(event, "CLASS").upper() in ("PRIVATE", "CONFIDENTIAL"),
                cancelled=_text(event, "STATUS").upper() == "CANCELLED",
                location=_text(event, "LOCATION")[:500],
                description=(_text(event, "DESCRIPTION") + " " + _text(event, "X-GOOGLE-CONFERENCE"))[:4000],
                organizer=organizer,
                attendees=_attendees(event),
            )
        )
    return sorted(occurrences, key=lambda o: (o.starts_at, o.uid))

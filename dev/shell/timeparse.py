"""What `:time` accepts: a step forward, a local time of day, or an instant.

`+2h`, `+1d`, `+1d2h30m`, `+1w` move forward; `18:00` is the next 18:00 in the current user's
zone; `tomorrow 08:45` / `fri 09:00` a local day and time; `2026-11-24T08:45+08:00` an instant
(without an offset: the current user's zone).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from bot.core.clock import zone
from dev.shell.forms import FieldError, parse_date

_STEP = re.compile(r"^([+-])((?:\d+(?:\.\d+)?[wdhms])+)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_step(raw: str) -> timedelta | None:
    match = _STEP.match(raw.replace(" ", "").lower())
    if not match:
        return None
    total = timedelta()
    for amount, unit in _PART.findall(match.group(2)):
        total += timedelta(**{_UNITS[unit]: float(amount)})
    return -total if match.group(1) == "-" else total


def parse_clock_target(raw: str, now: datetime, tz: str) -> datetime:
    """The instant `raw` names, relative to `now` and the zone `tz`."""
    raw = raw.strip()
    step = parse_step(raw)
    if step is not None:
        return now + step
    local = now.astimezone(zone(tz))
    words = raw.split()
    try:
        if len(words) == 1 and re.fullmatch(r"\d{1,2}:\d{2}", raw):
            wanted = time.fromisoformat(raw.zfill(5))
            candidate = datetime.combine(local.date(), wanted, tzinfo=zone(tz))
            if candidate <= local:
                candidate = datetime.combine(local.date() + timedelta(days=1), wanted, tzinfo=zone(tz))
            return candidate
        if len(words) == 2 and re.fullmatch(r"\d{1,2}:\d{2}", words[1]):
            day = parse_date(words[0], local.date())
            return datetime.combine(day, time.fromisoformat(words[1].zfill(5)), tzinfo=zone(tz))
        when = datetime.fromisoformat(raw)
    except (ValueError, FieldError):
        raise FieldError(
            f"{raw!r} is not a time: try +2h, +1d, 18:00, tomorrow 08:45 or 2026-11-24T08:45+08:00"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=zone(tz))

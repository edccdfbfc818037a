"""When a lead's first contact is due: the team's limit counted in working hours only.

DOMAIN.md §5 says a new lead is contacted within 5 hours; hours at night, on weekends and on
workspace holidays do not count, in the assignee's own time zone. A lead received at 16:00 on a
Monday with a 09:00–18:00 day is due at 12:00 on Tuesday; one received on Saturday is due at
14:00 on Monday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta

from bot.core.clock import zone
from bot.core.config import WorkspaceConfig

MAX_DAYS = 60  # a schedule with no working day at all still ends (due after two months)


def first_contact_due(
    received: datetime, tz: str, config: WorkspaceConfig, holidays: Collection[date] = ()
) -> datetime:
    """The instant (UTC) when `config.follow_up.new_lead_hours` working hours have passed since `received`."""
    local = zone(tz)
    start_t = time.fromisoformat(config.leads.work_start)
    end_t = time.fromisoformat(config.leads.work_end)
    working_days = set(config.schedule.working_days)
    remaining = timedelta(hours=config.follow_up.new_lead_hours)
    cursor = received.astimezone(local)
    for _ in range(MAX_DAYS):
        day = cursor.date()
        if day.weekday() in working_days and day not in holidays:
            opens = datetime.combine(day, start_t, tzinfo=local)
            closes = datetime.combine(day, end_t, tzinfo=local)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        cursor = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=local)
    return (received + timedelta(days=MAX_DAYS)).astimezone(UTC)

"""Slack's own "I'm away" signals: do-not-disturb (`dnd.info`) and a status such as 🌴
"Vacation" or "休假" (`users.profile.get`). A scheduled message to someone away waits: the
sweep leaves no ledger entry, so a later sweep sends the day's one batched message once they
are back, or nothing if the job's window has closed by then (a morning plan is not sent in the
afternoon: `bot.people.notify.window_for`).

This module decides from the two answers (plain dicts, read by the scheduler) and caches the
result on the person's row for `AWAY_CACHE`, which also lets `/coach why` name the reason.
Look-ups are made only by the scheduler, never while a request waits for its ack.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Person

AWAY_CACHE = timedelta(minutes=4)  # under the 5-minute sweep: each sweep sees a fresh answer
WHY_SHOWS_FOR = timedelta(hours=2)  # `/coach why` mentions a signal seen this recently
DETAIL_LENGTH = 100


def away_from_signals(
    dnd: dict[str, Any] | None, profile: dict[str, Any] | None, now: datetime, words: list[str]
) -> tuple[str | None, str | None]:
    """('dnd', None), ('status', the status shown) or (None, None) at `now`.

    Asked about someone else, Slack's `dnd.info` gives only the current or next DND period
    (`next_dnd_start_ts`…`next_dnd_end_ts`); the snooze_* fields appear only when a user asks
    about themselves, and are honoured if present."""
    now_ts = now.timestamp()
    if dnd:
        if dnd.get("snooze_enabled") and float(dnd.get("snooze_endtime") or 0) > now_ts:
            return "dnd", None
        start, end = float(dnd.get("next_dnd_start_ts") or 0), float(dnd.get("next_dnd_end_ts") or 0)
        if dnd.get("dnd_enabled") and start <= now_ts < end:
            return "dnd", None
    if profile:
        expires = float(profile.get("status_expiration") or 0)
        emoji, text = str(profile.get("status_emoji") or ""), str(profile.get("status_text") or "")
        status = f"{emoji} {text}".lower()
        if (not expires or expires > now_ts) and any(w.strip() and w.strip().lower() in status for w in words):
            return "status", f"{emoji} {text}".strip()[:DETAIL_LENGTH]
    return None, None


def cached_away(session: Session, team_id: str, user_ids: list[str], now: datetime) -> dict[str, str | None]:
    """The recent answers (user → reason or None) for those looked up within `AWAY_CACHE`."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(Person.slack_user_id, Person.away_reason).where(
            Person.team_id == team_id,
            Person.slack_user_id.in_(user_ids),
            Person.away_checked_at.is_not(None),
            Person.away_checked_at > now - AWAY_CACHE,
        )
    )
    return {user: reason for user, reason in rows}


def record_away(
    session: Session, team_id: str, user_id: str, reason: str | None, detail: str | None, now: datetime
) -> None:
    person = session.scalar(select(Person).where(Person.team_id == team_id, Person.slack_user_id == user_id))
    if person is not None:
        person.away_reason, person.away_detail, person.away_checked_at = reason, detail, now


def away_now(person: Person, now: datetime) -> tuple[str, str | None] | None:
    """What `/coach why` says about Slack's signals: the last one seen, if seen recently."""
    if person.away_reason and person.away_checked_at and now - person.away_checked_at <= WHY_SHOWS_FOR:
        return person.away_reason, person.away_detail
    return None

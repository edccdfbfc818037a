"""Calendar operations: connect, disconnect, show, read (the job), and the prompt buttons.

Reading a calendar is split so no transaction stays open across the network: the address and
the conditional headers are read in one transaction, fetched outside, and the matched
occurrences written in another. A read keeps only customer meetings between
`now - LOOK_BACK` and `now + LOOK_AHEAD`; a pending meeting that disappears from the feed
(cancelled, moved out, no longer matching) is forgotten, a prompted one is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.calendar import secret
from bot.calendar.events import CalendarUnreadable, Occurrence, read_occurrences
from bot.calendar.fetch import FetchError, check_host, fetch, normalize_url
from bot.calendar.match import load_directory, match
from bot.core.access import access_meeting
from bot.core.actor import Actor
from bot.core.settings import Settings
from bot.core.text import normalize
from bot.people.members import actor_for
from bot.visits.ops import Logged, VisitInput, do_log_visit
from storage.db import Database
from storage.models import CalendarConnection, CalendarMeeting, Contact, Person, VisitContact
from storage.queries.sql import rows_affected

log = logging.getLogger("calendar")

FETCH_EVERY = timedelta(minutes=15)
# A 304 keeps what was read, but the window of days moves on: read in full this often anyway.
REREAD_EVERY = timedelta(hours=6)
MAX_BACKOFF = timedelta(hours=12)
LOOK_BACK = timedelta(days=3)
LOOK_AHEAD = timedelta(days=14)
# Reasons that will not mend by waiting: the rep hears at once. Others after `NOTIFY_AFTER` in a row.
PERMANENT = frozenset({"gone", "too_large", "unreadable", "private_address", "bad_url", "secret"})
NOTIFY_AFTER = 3


class CalendarInputError(Exception):
    """A `/coach calendar` address we will not read; `code` names the reason (calendar.error.<code>)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CalendarStatus:
    hint: str
    last_ok_at: datetime | None
    last_fetch_at: datetime | None
    meetings_found: int
    failures: int
    last_error: str | None
    upcoming: int


@dataclass(frozen=True)
class ReadResult:
    connection_id: int
    ok: bool
    error: str | None
    notify: bool  # the rep should now be told their calendar stopped working


# ----- /coach calendar ----------------------------------------------------------------------------
def do_connect(db: Database, settings: Settings, actor: Actor, text: str, now: datetime) -> int:
    """Store (or replace) the rep's calendar address; the connection id. CalendarInputError if refused."""
    try:
        url = normalize_url(text)
        if not settings.calendar_allow_private:
            parts = urlsplit(url)
            check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80), False)
    except FetchError as exc:
        raise CalendarInputError(exc.code) from None
    sealed = secret.seal(url, settings.secret_key)
    with db.transaction() as session:
        row = session.scalar(select(CalendarConnection).where(CalendarConnection.person_id == actor.person_id))
        if row is None:
            row = CalendarConnection(team_id=actor.team_id, person_id=actor.person_id, url_secret=sealed)
            session.add(row)
        row.url_secret = sealed
        row.url_hint = secret.hint(url)
        row.etag = row.last_modified = row.last_error = row.parsed_at = None
        row.failures, row.error_notified, row.next_fetch_at = 0, False, now
        session.flush()
        return row.id


def do_disconnect(db: Database, actor: Actor) -> bool:
    """Forget the rep's calendar and every meeting read from it; False if none was connected."""
    with db.transaction() as session:
        session.execute(delete(CalendarMeeting).where(CalendarMeeting.person_id == actor.person_id))
        result = session.execute(delete(CalendarConnection).where(CalendarConnection.person_id == actor.person_id))
        return bool(rows_affected(result))


def calendar_status(db: Database, actor: Actor, now: datetime) -> CalendarStatus | None:
    with db.transaction() as session:
        row = session.scalar(select(CalendarConnection).where(CalendarConnection.person_id == actor.person_id))
        if row is None:
            return None
        upcoming = session.scalar(
            select(func.count()).where(CalendarMeeting.person_id == actor.person_id, CalendarMeeting.starts_at >= now)
        )
        return CalendarStatus(
            row.url_hint,
            row.last_ok_at,
            row.last_fetch_at,
            row.meetings_found,
            row.failures,
            row.last_error,
            int(upcoming or 0),
        )


# ----- reading (the job) --------------------------------------------------------------------------
def due_connections(session: Session, team_id: str, at: datetime) -> list[int]:
    return list(
        session.scalars(
            select(CalendarConnection.id)
            .join(Person, Person.id == CalendarConnection.person_id)
            .where(
                CalendarConnection.team_id == team_id,
                CalendarConnection.next_fetch_at <= at,
                Person.is_active.is_(True),
            )
            .order_by(CalendarConnection.next_fetch_at)
        )
    )


def _failed(db: Database, connection_id: int, code: str, now: datetime) -> ReadResult:
    with db.transaction() as session:
        row = session.get(CalendarConnection, connection_id)
        if row is None:
            return ReadResult(connection_id, False, code, False)
        row.failures += 1
        row.last_error = code[:200]
        row.last_fetch_at = now
        row.next_fetch_at = now + min(FETCH_EVERY * (2 ** min(row.failures, 10)), MAX_BACKOFF)
        notify = not row.error_notified and (code in PERMANENT or row.failures >= NOTIFY_AFTER)
        log.info("calendar %s: read failed (%s), %d in a row", connection_id, code, row.failures)
        return ReadResult(connection_id, False, code, notify)


def read_calendar(db: Database, settings: Settings, connection_id: int, now: datetime) -> ReadResult:
    """Read one calendar now and store its customer meetings; never raises for a bad feed."""
    with db.transaction() as session:
        row = session.get(CalendarConnection, connection_id)
        if row is None:
            return ReadResult(connection_id, False, "gone", False)
        stored, etag, last_modified = row.url_secret, row.etag, row.last_modified
        if row.parsed_at is None or now - row.parsed_at >= REREAD_EVERY or now < row.parsed_at:
            etag = last_modified = None
    try:
        url = secret.unseal(stored, settings.secret_key)
    except secret.SecretUnavailable:
        return _failed(db, connection_id, "secret", now)
    try:
        fetched = fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            timeout=settings.calendar_fetch_timeout,
            allow_private=settings.calendar_allow_private,
        )
    except FetchError as exc:
        return _failed(db, connection_id, exc.code, now)
    occurrences = None
    if fetched.body is not None:
        try:
            occurrences = read_occurrences(fetched.body, now - LOOK_BACK, now + LOOK_AHEAD)
        except CalendarUnreadable:
            return _failed(db, connection_id, "unreadable", now)
    try:
        with db.transaction() as session:
            row = session.get(CalendarConnection, connection_id)
            if row is None:  # disconnected meanwhile: keep nothing
                return ReadResult(connection_id, False, None, False)
            if occurrences is not None:
                person = session.get(Person, row.person_id)
                assert person is not None
                row.meetings_found = _store(session, actor_for(person), occurrences, now)
                row.parsed_at = now
            row.etag, row.last_modified = fetched.etag or row.etag, fetched.last_modified or row.last_modified
            row.failures, row.last_error, row.error_notified = 0, None, False
            row.last_fetch_at = row.last_ok_at = now
            row.next_fetch_at = now + FETCH_EVERY
    except IntegrityError:  # the same calendar read at the same moment (a /coach calendar and a sweep)
        log.info("calendar %s: read concurrently; the next sweep reads it again", connection_id)
        return ReadResult(connection_id, False, None, False)
    return ReadResult(connection_id, True, None, False)


def _store(session: Session, actor: Actor, occurrences: list[Occurrence], now: datetime) -> int:
    """Upsert the matched occurrences; forget pending ones no longer in the feed. How many matched."""
    directory = load_directory(session, actor, occurrences)
    existing = {
        (m.uid, m.occurrence): m
        for m in session.scalars(
            select(CalendarMeeting).where(
                CalendarMeeting.person_id == actor.person_id,
                # in the window, or (moved into it) an occurrence of an event read now
                (CalendarMeeting.ends_at >= now - LOOK_BACK) & (CalendarMeeting.starts_at < now + LOOK_AHEAD)
                | CalendarMeeting.uid.in_(sorted({o.uid for o in occurrences})),
            )
        )
    }
    seen: set[tuple[str, str]] = set()
    for occurrence in occurrences:
        found = match(occurrence, directory)
        key = (occurrence.uid, occurrence.occurrence)
        if found is None or key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = CalendarMeeting(team_id=actor.team_id, person_id=actor.person_id, uid=key[0], occurrence=key[1])
            session.add(row)
        elif row.status != "pending":
            continue  # already prompted (or answered): what the rep saw stays as it was
        row.title = occurrence.title
        row.starts_at, row.ends_at = occurrence.starts_at, occurrence.ends_at
        row.account_id, row.channel, row.attendees = found.account_id, found.channel, found.attendees
    gone = [
        m.id
        for k, m in existing.items()
        if k not in seen and m.status == "pending" and m.ends_at >= now - LOOK_BACK and m.starts_at < now + LOOK_AHEAD
    ]
    if gone:
        session.execute(delete(CalendarMeeting).where(CalendarMeeting.id.in_(gone)))
    return len(seen)


def mark_error_notified(session: Session, connection_ids: list[int]) -> None:
    if connection_ids:
        session.execute(
            update(CalendarConnection).where(CalendarConnection.id.in_(connection_ids)).values(error_notified=True)
        )


def mark_prompted(session: Session, meeting_ids: list[int], at: datetime) -> None:
    if meeting_ids:
        session.execute(
            update(CalendarMeeting)
            .where(CalendarMeeting.id.in_(meeting_ids), CalendarMeeting.status == "queued")
            .values(status="prompted", prompted_at=at)
        )


# ----- the prompt's buttons ------------------------------------------------------------------------
def do_answer(db: Database, actor: Actor, meeting_id: object, answer: str) -> CalendarMeeting:
    """ "Not a customer meeting" (dismissed) or "Later" on a prompt; the meeting as it now stands."""
    with db.transaction() as session:
        meeting = access_meeting(session, actor, meeting_id)
        if meeting.status in ("queued", "prompted", "later", "pending"):
            meeting.status = answer
        session.flush()
        session.expunge(meeting)
        return meeting


def do_log_meeting_visit(
    db: Database, actor: Actor, meeting_id: object, visit: VisitInput, *, now: datetime, request_key: str | None
) -> Logged:
    """The visit form opened from a meeting prompt: the visit stored and the meeting marked
    logged, in one transaction (neither without the other)."""

    def settle(session: Session, visit_id: int) -> None:
        mark_logged(session, actor, meeting_id, visit_id)

    return do_log_visit(db, actor, visit, now=now, request_key=request_key, also=settle)


def mark_logged(session: Session, actor: Actor, meeting_id: object, visit_id: int) -> None:
    """The visit logged from a prompt's form: the meeting is logged (evening review, digest).
    Runs in the transaction that stores the visit (`bot.visits.ops.do_log_visit`).

    Attendees the form created as new contacts keep their email, so the next meeting with them
    is recognised by it.
    """
    meeting = access_meeting(session, actor, meeting_id)
    meeting.status, meeting.visit_id = "logged", visit_id
    emails = {
        normalize(str(a.get("name") or "")): str(a["email"])
        for a in meeting.attendees or []
        if not a.get("contact_id") and a.get("email")
    }
    if not emails:
        return
    created = session.scalars(
        select(Contact)
        .join(VisitContact, VisitContact.contact_id == Contact.id)
        .where(VisitContact.visit_id == visit_id, VisitContact.created_contact.is_(True), Contact.email.is_(None))
    )
    for contact in created:
        email = emails.get(contact.name_norm)
        if email:
            contact.email = email

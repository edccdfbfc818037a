"""Inbound leads over HTTP (`POST /leads`) and the per-workspace keys forms post with.

The WSGI route (runtime/web.py) hands the request's key, headers and body here and writes back
the (status, JSON) this answers. The order of the checks is the order a caller can fix them in:
413 (body over 64 KB, not read past the limit), 401 (no, wrong or revoked key), 429 (over the key's rate per
minute), 400 (bad JSON, a field missing or not text: `{"error": ..., "field": ...}`), then
201 with the new lead's id, or 200 with the same id when the external id or Idempotency-Key was
seen before. Nothing is stored unless the answer is 201.

Keys: `pc_lead_` and 43 random characters, shown once to the admin who made it; only its
SHA-256 is stored. A lead for a new company goes where the workspace's routing rule says
(bot/leads/routing.py), else to the admin who created the key; a company that exists goes to
the rep who owns it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.leads.ops import LeadFields, LeadInputError, create_lead, find_by_key
from bot.leads.routing import route
from storage.db import Database
from storage.models import LeadKey, Person
from storage.queries.sql import rows_affected

MAX_BODY = 64 * 1024
KEY_PREFIX = "pc_lead_"
RATE_WINDOW = timedelta(minutes=1)
TEXT_FIELDS = ("company", "name", "email", "phone", "source", "note", "external_id")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(session: Session, team_id: str, created_by_id: int | None, now: datetime) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        LeadKey(
            team_id=team_id,
            key_hash=hash_key(key),
            prefix=key[: len(KEY_PREFIX) + 4],
            created_by_id=created_by_id,
            window_count=0,
            created_at=now,
        )
    )
    session.flush()
    return key


def do_create_key(db: Database, actor: Actor, now: datetime) -> str:
    """`/coach leads key`: a new key for the workspace (admins), returned once."""
    require_admin(actor)
    with db.transaction() as session:
        return new_key(session, actor.team_id, actor.person_id, now)


def do_revoke_keys(db: Database, actor: Actor, now: datetime) -> int:
    """`/coach leads key revoke`: every live key of the workspace stops working now (admins)."""
    require_admin(actor)
    with db.transaction() as session:
        return revoke_all(session, actor.team_id, now)


def revoke_all(session: Session, team_id: str, now: datetime) -> int:
    result = session.execute(
        update(LeadKey).where(LeadKey.team_id == team_id, LeadKey.revoked_at.is_(None)).values(revoked_at=now)
    )
    return rows_affected(result)


def bearer(authorization: str | None) -> str | None:
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _fields(raw: object) -> tuple[LeadFields, str | None]:
    if not isinstance(raw, dict):
        raise LeadInputError("body")
    values: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str | int):
            raise LeadInputError(name)
        values[name] = str(value) if value is not None else None
    fields = LeadFields(
        values["company"] or "",
        values["name"] or "",
        values["phone"],
        values["email"],
        values["source"],
        values["note"],
    ).checked()
    return fields, values["external_id"]


def _error(status: int, error: str, field: str | None = None) -> Answer:
    body: dict[str, Any] = {"error": error}
    if field:
        body["field"] = field
    return Answer(status, body)


def _spend(session: Session, key: LeadKey, now: datetime, rate: int) -> bool:
    """Count one request against the key's minute; False when the minute's allowance is used."""
    start = key.window_start
    if start is None or now - start >= RATE_WINDOW or now < start:
        key.window_start = now
        key.window_count = 1
        return True
    if key.window_count >= rate:
        return False
    key.window_count += 1
    return True


def _parse(body: bytes, content_type: str) -> object:
    """The submitted object: JSON, or an HTML form's urlencoded fields (first value of each)."""
    text = body.decode("utf-8")
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        return {name: values[0] for name, values in parse_qs(text, keep_blank_values=True).items()}
    return json.loads(text)


def receive(
    db: Database,
    now: datetime,
    *,
    authorization: str | None,
    idempotency_key: str | None,
    content_length: int | None,
    content_type: str,
    read_body: Any,
    rate_per_minute: int,
) -> Answer:
    """One `POST /leads`; see the module docstring for the answers.

    A plain HTML form cannot send headers: its key may come as the form field `key` instead
    (it is then visible in the page's source, so give forms their own key, revocable alone)."""
    if content_length is not None and content_length > MAX_BODY:
        return _error(413, "body_too_large", "body")
    body = read_body(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _error(413, "body_too_large", "body")
    try:
        raw = _parse(body, content_type)
    except (UnicodeDecodeError, ValueError):
        raw = None
        parse_failed = True
    else:
        parse_failed = False
    key = bearer(authorization)
    if key is None and isinstance(raw, dict) and isinstance(raw.get("key"), str):
        key = raw["key"]
    if not key:
        return _error(401, "missing_key", "authorization")
    with db.transaction() as session:
        row = session.scalar(select(LeadKey).where(LeadKey.key_hash == hash_key(key)).with_for_update())
        if row is None or row.revoked_at is not None:
            return _error(401, "invalid_key", "authorization")
        allowed = _spend(session, row, now, rate_per_minute)
        team_id, creator_id = row.team_id, row.created_by_id
    if not allowed:
        return _error(429, "rate_limited")
    if parse_failed:
        return _error(400, "invalid_json", "body")
    try:
        fields, external_id = _fields(raw)
    except LeadInputError as exc:
        return _error(400, "missing_or_invalid", exc.field)
    request_key = f"ext:{external_id}" if external_id else f"idem:{idempotency_key}" if idempotency_key else None
    with db.transaction() as session:
        assignee = None
        if find_by_key(session, team_id, request_key) is None:
            assignee = _default_assignee(session, team_id, creator_id)
        outcome = create_lead(
            session,
            team_id,
            fields,
            assignee,
            now,
            created_by_id=None,
            channel="http",
            request_key=request_key,
            router=lambda f: route(session, team_id, f, now),
        )
    return Answer(200 if outcome.duplicate else 201, {"id": outcome.lead_id, "duplicate": outcome.duplicate})


def _default_assignee(session: Session, team_id: str, creator_id: int | None) -> Person | None:
    """Who gets a form's lead for a new company: the key's creator, else the first active admin."""
    if creator_id is not None:
        person = session.get(Person, creator_id)
        if person is not None and person.is_active:
            return person
    return session.scalar(
        select(Person)
        .where(Person.team_id == team_id, Person.role == "admin", Person.is_active.is_(True))
        .order_by(Person.id)
        .limit(1)
    )

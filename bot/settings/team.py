"""A sales team's own digest channel, days and times, over the workspace's defaults.

Who may change them: an admin for any team, a manager for their own team only, a rep never.
A key the team has not set falls back to the workspace's schedule (`bot.people.teams.team_config`), so the
digest jobs read one merged config. Every change is recorded in `settings_changes` with the
team's id, next to the workspace's own changes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import NotAllowed, NotFound, require_manager
from bot.core.actor import Actor
from bot.people.teams import SCHEDULE_KEYS, display_name, ensure_team
from bot.settings.fields import BY_KEY, FieldError, get_path, parse_field
from bot.settings.ops import Change, InvalidSettings, current_config
from storage.db import Database
from storage.models import Person, SalesTeam, SettingsChange

CHANNEL = "team.digest_channel"
TEAM_KEYS = (CHANNEL, *SCHEDULE_KEYS)
_CHANNEL = re.compile(r"^(?:<#)?#?(C[A-Z0-9]{2,30})(?:\|[^>]*)?>?$")


def parse_channel(text: str) -> str | None:
    """ "<#C0123|sales>", "C0123" → "C0123"; empty → None (back to the workspace default)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    match = _CHANNEL.match(cleaned)
    if match is None:
        raise FieldError("settings.error.channel")
    return match.group(1)


def team_values(session: Session, team: SalesTeam) -> dict[str, Any]:
    """Each team key's effective value (the team's own, else the workspace's)."""
    config = current_config(session, team.team_id)
    own = team.settings or {}
    values: dict[str, Any] = {CHANNEL: team.digest_channel_id}
    for key in SCHEDULE_KEYS:
        values[key] = own.get(key, get_path(config, key))
    return values


class NotYourTeam(NotAllowed):
    """A manager naming another manager's team: theirs to change, or an admin's."""

    message_key = "settings.team.not_yours"


class NoSuchTeam(NotFound):
    """The manager named has no sales team yet (set one up with `/coach team`)."""

    message_key = "settings.team.none"


def show_value(key: str, value: Any) -> str:
    if key == CHANNEL:
        return f"<#{value}>" if value else ""
    return BY_KEY[key].show(value)


def access_sales_team(
    session: Session, actor: Actor, manager_user_id: str | None, now: datetime | None = None
) -> SalesTeam:
    """The team whose settings `actor` may change: a manager's own (naming another's is
    refused), or for an admin the team of the manager named (their own if none). With `now`,
    a manager's own team is made the first time (as `/coach team channel` does)."""
    require_manager(actor)
    if manager_user_id and manager_user_id != actor.user_id and not actor.is_admin:
        raise NotYourTeam()
    user_id = manager_user_id or actor.user_id
    manager = session.scalar(select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == user_id))
    if manager is None:
        raise NoSuchTeam()
    if now is not None and manager.id == actor.person_id:
        return ensure_team(session, manager, now)
    team = session.scalar(
        select(SalesTeam).where(SalesTeam.team_id == actor.team_id, SalesTeam.manager_id == manager.id)
    )
    if team is None:
        raise NoSuchTeam()
    return team


def find_team(session: Session, team_id: str, name: str) -> SalesTeam:
    """For the CLI: a team by its name, or by its manager's Slack id or name (case-blind)."""
    wanted = name.strip().casefold()
    rows = session.execute(
        select(SalesTeam, Person).join(Person, Person.id == SalesTeam.manager_id).where(SalesTeam.team_id == team_id)
    ).all()
    for team, manager in rows:
        if wanted in (team.name.casefold(), manager.slack_user_id.casefold(), display_name(manager).casefold()):
            return team
    raise NotFound()


def read_texts(config: dict[str, Any], texts: dict[str, str]) -> tuple[dict[str, Any], dict[str, FieldError]]:
    """Each team key's value and each error, by key (nothing is saved here)."""
    values: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    for key, text in texts.items():
        try:
            if key == CHANNEL:
                values[key] = parse_channel(text or "")
            elif key in SCHEDULE_KEYS:
                values[key] = parse_field(BY_KEY[key], text or "", config)
            else:
                errors[key] = FieldError("settings.error.unknown_key", key=key)
        except FieldError as exc:
            errors[key] = exc
    return values, errors


def check_texts(session: Session, team_id: str, texts: dict[str, str]) -> dict[str, FieldError]:
    """The modal's errors, before its ack (the submission is saved after it)."""
    return read_texts(current_config(session, team_id), texts)[1]


def save_team_settings(
    session: Session, team: SalesTeam, texts: dict[str, str], by: str, source: str, now: datetime
) -> list[Change]:
    """Validate all of `texts` (nothing saved on an error), then save and audit the changes."""
    values, errors = read_texts(current_config(session, team.team_id), texts)
    if errors:
        raise InvalidSettings(errors)
    current = team_values(session, team)
    own = dict(team.settings or {})
    changes: list[Change] = []
    for key, value in values.items():
        if current[key] == value:
            continue
        changes.append(Change(key, current[key], value, by, source, now, team.name))
        if key == CHANNEL:
            team.digest_channel_id = value
        else:
            own[key] = value
        session.add(
            SettingsChange(
                team_id=team.team_id,
                sales_team_id=team.id,
                key=key,
                old_value=current[key],
                new_value=value,
                changed_by=by,
                source=source,
                changed_at=now,
            )
        )
    team.settings = own
    return changes


def do_update_team_settings(
    db: Database, actor: Actor, manager_user_id: str | None, texts: dict[str, str], now: datetime
) -> list[Change]:
    """`/coach settings team [@manager]` submitted (NotAllowed for a rep or another's team)."""
    with db.transaction() as session:
        team = access_sales_team(session, actor, manager_user_id, now)
        return save_team_settings(session, team, texts, actor.user_id, "slack", now)


def read_team(db: Database, actor: Actor, manager_user_id: str | None, now: datetime) -> tuple[str, dict[str, Any]]:
    """The team's name and effective values, for the modal."""
    with db.transaction() as session:
        team = access_sales_team(session, actor, manager_user_id, now)
        return team.name, team_values(session, team)


def do_update_team_settings_cli(
    db: Database, team_id: str, name: str, texts: dict[str, str], now: datetime
) -> list[Change]:
    with db.transaction() as session:
        team = find_team(session, team_id, name)
        return save_team_settings(session, team, texts, "cli", "cli", now)

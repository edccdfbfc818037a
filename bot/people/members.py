"""Workspaces and people as the bot first meets them.

A workspace is created the first time anyone in it uses the app, with the default
configuration and the default S-P-A-D-C-O stages. The first person in a workspace becomes its
admin (usually whoever installed the app); everyone after starts as a rep. "First" is decided
by the database (a unique key on the founder flag), not by which request looked first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.config import STAGE_PRESETS, WorkspaceConfig
from storage.db import Database
from storage.models import Person, Stage, Workspace
from storage.queries.sql import insert_ignoring_conflict

PROFILE_MAX_AGE = timedelta(days=7)
ROLES = ("rep", "manager", "admin")


def ensure_workspace(session: Session, team_id: str, now: datetime, name: str = "") -> Workspace:
    """The workspace row, created with defaults (and its stages) on first sight."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        return workspace
    config = WorkspaceConfig()
    values = {"team_id": team_id, "name": name, "config": config.dump(), "installed_at": now, "created_at": now}
    session.execute(insert_ignoring_conflict(session, Workspace, values, key=["team_id"]))
    if not session.scalar(select(Stage.id).where(Stage.team_id == team_id).limit(1)):
        for position, spec in enumerate(STAGE_PRESETS[config.stage_preset]):
            stage = {
                "team_id": team_id,
                "key": spec.key,
                "position": position,
                "name_en": spec.en,
                "name_zh": spec.zh,
                "probability": spec.probability,
                "exit_criteria": spec.exit_criteria,
                "max_days": spec.max_days,
                "is_active": True,
            }
            session.execute(insert_ignoring_conflict(session, Stage, stage, key=["team_id", "key"]))
    session.flush()
    workspace = session.get(Workspace, team_id)
    assert workspace is not None
    return workspace


def workspace_config(session: Session, team_id: str) -> WorkspaceConfig:
    workspace = session.get(Workspace, team_id)
    return WorkspaceConfig.load(workspace.config if workspace else None)


def actor_for(person: Person) -> Actor:
    return Actor(
        team_id=person.team_id,
        user_id=person.slack_user_id,
        person_id=person.id,
        role=person.role,
        tz=person.tz,
        locale=person.locale,
        lang_override=person.lang,
        name=person.name,
    )


def ensure_person(session: Session, team_id: str, user_id: str, now: datetime) -> Person:
    """The person row for a Slack user, created on first sight (first in a workspace: admin)."""
    ensure_workspace(session, team_id, now)
    person = session.scalar(select(Person).where(Person.team_id == team_id, Person.slack_user_id == user_id))
    if person is not None:
        return person
    values = {
        "team_id": team_id,
        "slack_user_id": user_id,
        "tz": "UTC",
        "created_at": now,
        "is_active": True,
        "name": "",
    }
    if session.scalar(select(Person.id).where(Person.team_id == team_id).limit(1)) is None:
        # Maybe the first person here: try to be the founder (admin). The unique key on
        # (team, founder) lets exactly one concurrent first request win; a loser's insert does
        # nothing (any conflict, this user's row too) and it joins as a rep below.
        session.execute(insert_ignoring_conflict(session, Person, {**values, "role": "admin", "founder": True}))
    session.execute(
        insert_ignoring_conflict(session, Person, {**values, "role": "rep"}, key=["team_id", "slack_user_id"])
    )
    person = session.scalar(
        select(Person).where(Person.team_id == team_id, Person.slack_user_id == user_id),
        execution_options={"populate_existing": True},
    )
    assert person is not None
    return person


def load_actor(db: Database, team_id: str, user_id: str, now: datetime) -> tuple[Actor, bool]:
    """The actor for a request, and whether their Slack profile should be (re)fetched."""
    with db.transaction() as session:
        person = ensure_person(session, team_id, user_id, now)
        workspace = session.get(Workspace, team_id)
        if workspace is not None and workspace.uninstalled_at is not None:
            # A signed request from the workspace proves the app is installed there again
            # (token mode has no install callback): its scheduled work resumes.
            workspace.uninstalled_at = None
            workspace.installed_at = now
        stale = person.profile_fetched_at is None or now - person.profile_fetched_at > PROFILE_MAX_AGE
        return actor_for(person), stale


def do_update_profile(
    db: Database,
    actor: Actor,
    *,
    name: str | None,
    tz: str | None,
    locale: str | None,
    now: datetime,
) -> Actor:
    """Cache what Slack says of the user (display name, IANA time zone, locale)."""
    with db.transaction() as session:
        person = session.get(Person, actor.person_id)
        assert person is not None
        return update_profile(person, name=name, tz=tz, locale=locale, now=now)


def update_profile(person: Person, *, name: str | None, tz: str | None, locale: str | None, now: datetime) -> Actor:
    """`do_update_profile` on a person already read in the caller's transaction (the demo's)."""
    if name:
        person.name = name[:200]
    if tz:
        person.tz = tz[:64]
    if locale:
        person.locale = locale[:16]
    person.profile_fetched_at = now
    return actor_for(person)


def do_refresh_profile(db: Database, actor: Actor, user: Mapping[str, Any], now: datetime) -> Actor:
    """Cache a users.info `user` object: the one reading of which of Slack's names to show."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or user.get("real_name") or user.get("name")
    return do_update_profile(db, actor, name=name, tz=user.get("tz"), locale=user.get("locale"), now=now)


def do_set_language(db: Database, actor: Actor, lang: str | None) -> Actor:
    """`/visit lang zh|en` (None: back to the Slack locale)."""
    with db.transaction() as session:
        person = session.get(Person, actor.person_id)
        assert person is not None
        person.lang = lang if lang in ("en", "zh") else None
        return actor_for(person)

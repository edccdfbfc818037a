"""Installations: a workspace's life from install to uninstall to deletion.

Slack tells us about an installation through the OAuth flow (the installation store calls
`do_record_installation`) and about its end through the `app_uninstalled` and `tokens_revoked`
events (`do_mark_uninstalled`). Uninstalling stops everything the bot does for the workspace
(scheduler sweeps only select workspaces whose `uninstalled_at` is empty: see
`active_workspaces`) but keeps its data, because people uninstall by mistake and reinstall the
next day; only an operator deletes it, with `pipeline-coach workspace delete T…`.

No Slack import here: the Slack-side store (runtime/app.py) and the event listeners call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, desc, func, select
from sqlalchemy.orm import Session

from bot.core.settings import Settings
from bot.people.members import ensure_workspace
from storage.db import Database
from storage.models import (
    Base,
    Person,
    SlackBot,
    SlackInstallation,
    Workspace,
)
from storage.queries.sql import rows_affected


def active_workspaces() -> Select[str]:
    """The team ids of installed workspaces: the scheduler's sweeps join on this."""
    return select(Workspace.team_id).where(Workspace.uninstalled_at.is_(None))


def is_installed(session: Session, team_id: str) -> bool:
    workspace = session.get(Workspace, team_id)
    return workspace is not None and workspace.uninstalled_at is None


def do_record_installation(db: Database, team_id: str, team_name: str | None, now: datetime) -> None:
    """A (re)installation: the workspace exists, is active again, and knows its name."""
    with db.transaction() as session:
        workspace = ensure_workspace(session, team_id, now, name=(team_name or "")[:200])
        if team_name:
            workspace.name = team_name[:200]
        workspace.installed_at = now
        workspace.uninstalled_at = None


def do_mark_uninstalled(db: Database, team_id: str, now: datetime) -> bool:
    """The app was removed (or its bot token revoked): stop all work, keep the data.

    The stored tokens are dead, so they are dropped; the workspace's rows stay until an
    operator deletes them. Returns False when we never knew the workspace.
    """
    with db.transaction() as session:
        for model in (SlackInstallation, SlackBot):
            session.execute(delete(model).where(model.team_id == team_id))
        workspace = session.get(Workspace, team_id)
        if workspace is None:
            return False
        if workspace.uninstalled_at is None:
            workspace.uninstalled_at = now
        return True


def do_revoke_user_tokens(db: Database, team_id: str, user_ids: list[str]) -> None:
    """`tokens_revoked` for user tokens: forget those users' installations (we ask for no user
    scopes, so normally there are none)."""
    if not user_ids:
        return
    with db.transaction() as session:
        session.execute(
            delete(SlackInstallation).where(
                SlackInstallation.team_id == team_id, SlackInstallation.user_id.in_(user_ids)
            )
        )


def bot_token_for(session: Session, team_id: str) -> str | None:
    """The bot token of the latest OAuth installation in `team_id` (None: not installed by OAuth)."""
    return session.scalar(
        select(SlackBot.bot_token)
        .where(SlackBot.team_id == team_id, SlackBot.bot_token.is_not(None))
        .order_by(desc(SlackBot.installed_at))
        .limit(1)
    )


@dataclass(frozen=True)
class WorkspaceSummary:
    team_id: str
    name: str
    installed_at: datetime | None
    uninstalled_at: datetime | None
    people: int


def workspace_summaries(db: Database) -> list[WorkspaceSummary]:
    with db.transaction() as session:
        counts = dict(session.execute(select(Person.team_id, func.count()).group_by(Person.team_id)).all())
        return [
            WorkspaceSummary(w.team_id, w.name, w.installed_at, w.uninstalled_at, int(counts.get(w.team_id, 0)))
            for w in session.scalars(select(Workspace).order_by(Workspace.team_id))
        ]


def do_delete_workspace(db: Database, team_id: str) -> dict[str, int]:
    """Delete every row of `team_id`, in every table, in one transaction; rows deleted per table.

    Tables are emptied children first (reverse dependency order) by their `team_id` column, so
    the result does not depend on each foreign key's ON DELETE rule; a table without a
    `team_id` must cascade from one that has it (tests/test_ops.py checks every table).
    """
    deleted: dict[str, int] = {}
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if "team_id" not in table.c or table.name == Workspace.__tablename__:
                continue
            result = session.execute(delete(table).where(table.c.team_id == team_id))
            if count := rows_affected(result):
                deleted[table.name] = count
        result = session.execute(delete(Workspace).where(Workspace.team_id == team_id))
        if count := rows_affected(result):
            deleted[Workspace.__tablename__] = count
    return deleted


def token_for_team(db: Database, settings: Settings, team_id: str) -> str | None:
    """The bot token to reach `team_id` with, outside a request (the scheduler's sender):
    the installation's token in OAuth mode, else the single `SLACK_BOT_TOKEN`."""
    if not settings.oauth_enabled:
        return settings.slack_bot_token
    with db.transaction() as session:
        return bot_token_for(session, team_id)

"""Reading, validating and saving workspace settings, with every change audited.

`read_form` checks submitted texts against the current config without saving anything, so a
modal can show all its errors at once; `do_update_settings` saves a valid set in one transaction
and writes one `SettingsChange` row per value that actually changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import NotFound, require_admin
from bot.core.actor import Actor
from bot.core.config import WorkspaceConfig
from bot.deals.stages import apply_stage_list, funnel_specs, load_funnel, preset_of
from bot.settings.fields import BY_KEY, STAGE_DAYS, FieldError, check_together, get_path, parse_field, set_path
from storage.db import Database
from storage.models import SalesTeam, SettingsChange, Workspace

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Change:
    key: str
    old: Any
    new: Any
    by: str
    source: str
    at: datetime | None = None
    team: str = ""  # a per-team setting's sales team (its name); "" for the workspace's own


def current_config(session: Session, team_id: str) -> dict[str, Any]:
    """The full config as JSON, defaults filled in (what the modal and `show` display), plus
    the active stages' day limits under "stages" (they live on the funnel's rows)."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        raise NotFound()
    config = WorkspaceConfig.load(workspace.config).dump()
    funnel = load_funnel(session, team_id)
    config["stages"] = {"max_days": {s.key: s.max_days for s in funnel.active}}
    return config


def _save_stage_days(session: Session, team_id: str, days: dict[str, int | None]) -> None:
    """Through the funnel's one way of changing stages (validated, preset recognised)."""
    specs = funnel_specs(load_funnel(session, team_id))
    for spec in specs:
        if spec.key in days:
            spec.max_days = days[spec.key]
    apply_stage_list(session, team_id, specs, preset_of(specs))


def read_config(db: Database, actor: Actor) -> dict[str, Any]:
    require_admin(actor)
    with db.transaction() as session:
        return current_config(session, actor.team_id)


def read_form(texts: dict[str, str], config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, FieldError]]:
    """Parse each submitted text (unknown keys are errors); values and errors by key."""
    values: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    for key, text in texts.items():
        field = BY_KEY.get(key)
        if field is None:
            errors[key] = FieldError("settings.error.unknown_key", key=key)
            continue
        try:
            values[key] = parse_field(field, text or "", config)
        except FieldError as exc:
            errors[key] = exc
    if not errors:
        errors = check_together(values, config)
    return values, errors


class InvalidSettings(ValueError):
    """Raised by `save_settings` when the texts do not validate (nothing was saved)."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def save_settings(
    session: Session, team_id: str, texts: dict[str, str], by: str, source: str, now: datetime
) -> list[Change]:
    """Validate `texts` against the stored config and save them; the changes made."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        raise NotFound()
    config = current_config(session, team_id)
    values, errors = read_form(texts, config)
    if errors:
        raise InvalidSettings(errors)
    changes: list[Change] = []
    for key, value in values.items():
        old = get_path(config, key)
        if old == value:
            continue
        set_path(config, key, value)
        changes.append(Change(key, old, value, by, source, now))
    if not changes:
        return []
    stage_days = config.pop("stages")["max_days"]
    workspace.config = WorkspaceConfig.load(config).dump()  # re-validated as a whole
    if any(c.key == STAGE_DAYS for c in changes):  # after: it records the preset on the config
        _save_stage_days(session, team_id, stage_days)
    for change in changes:
        session.add(
            SettingsChange(
                team_id=team_id,
                key=change.key,
                old_value=change.old,
                new_value=change.new,
                changed_by=by,
                source=source,
                changed_at=now,
            )
        )
    return changes


def do_update_settings(db: Database, actor: Actor, texts: dict[str, str], now: datetime) -> list[Change]:
    """An admin's `/coach settings` submission (raises InvalidSettings, NeedsAdmin)."""
    require_admin(actor)
    with db.transaction() as session:
        return save_settings(session, actor.team_id, texts, actor.user_id, "slack", now)


def do_update_settings_cli(db: Database, team_id: str, texts: dict[str, str], now: datetime) -> list[Change]:
    """`pipeline-coach settings set`: whoever runs the server's CLI administers every workspace."""
    with db.transaction() as session:
        return save_settings(session, team_id, texts, "cli", "cli", now)


def history_rows(session: Session, team_id: str, limit: int = HISTORY_LIMIT) -> list[Change]:
    rows = session.execute(
        select(SettingsChange, SalesTeam.name)
        .outerjoin(SalesTeam, SalesTeam.id == SettingsChange.sales_team_id)
        .where(SettingsChange.team_id == team_id)
        .order_by(SettingsChange.changed_at.desc(), SettingsChange.id.desc())
        .limit(limit)
    ).all()
    return [
        Change(r.key, r.old_value, r.new_value, r.changed_by, r.source, r.changed_at, name or "") for r, name in rows
    ]


def settings_history(db: Database, actor: Actor) -> list[Change]:
    require_admin(actor)
    with db.transaction() as session:
        return history_rows(session, actor.team_id)

"""`pipeline-coach settings show|set|history --team T…`: the same fields, parsers and audit
as `/coach settings`, for scripted set-ups. Prints in English; returns the exit status."""

from __future__ import annotations

import sys
from datetime import datetime

from bot.core.access import NotFound
from bot.core.i18n import t
from bot.settings import ops, render, team
from bot.settings.fields import BY_KEY, FIELDS, get_path
from storage.db import Database


def run_settings(
    db: Database,
    team_id: str,
    action: str,
    key: str | None,
    value: str | None,
    now: datetime,
    *,
    sales_team: str | None = None,
) -> int:
    try:
        if sales_team is not None and action in ("show", "set"):
            return _run_team(db, team_id, sales_team, action, key, value, now)
        if action == "show":
            with db.transaction() as session:
                config = ops.current_config(session, team_id)
            for field in FIELDS:
                if key is None or field.key == key:
                    shown = field.show(get_path(config, field.key)).replace("\n", "; ")
                    print(f"{field.key} = {shown}")
            return 0
        if action == "history":
            with db.transaction() as session:
                changes = ops.history_rows(session, team_id)
            for change in changes:
                stamp = change.at.isoformat(timespec="minutes") if change.at else "?"
                print(f"{stamp} {change.by} {render.change_line('en', change)}")
            return 0
        if key is None or value is None:
            print("usage: pipeline-coach settings set --team T… KEY VALUE", file=sys.stderr)
            return 2
        if key not in BY_KEY:
            print(f"{key}: unknown setting; one of: {', '.join(BY_KEY)}", file=sys.stderr)
            return 2
        # Line-based values (reasons, per-role cadences) take "; " between lines on a command line.
        text = value.replace(";", "\n") if BY_KEY[key].reasons else value
        changes = ops.do_update_settings_cli(db, team_id, {key: text}, now)
    except NotFound:
        missing = f"{team_id}: no such workspace" + (f" or sales team {sales_team!r}" if sales_team else "")
        print(missing, file=sys.stderr)
        return 2
    except ops.InvalidSettings as exc:
        for bad, error in exc.errors.items():
            print(f"{bad}: {t('en', error.key, **error.values)}", file=sys.stderr)
        return 1
    print(render.saved_reply("en", changes).text)
    return 0


def _run_team(
    db: Database, team_id: str, name: str, action: str, key: str | None, value: str | None, now: datetime
) -> int:
    """`--sales-team NAME`: the team's own digest channel, days and times (raises NotFound,
    InvalidSettings for `run_settings` to report)."""
    if action == "show":
        with db.transaction() as session:
            values = team.team_values(session, team.find_team(session, team_id, name))
        for each, shown in values.items():
            if key is None or each == key:
                print(f"{each} = {team.show_value(each, shown)}")
        return 0
    if key is None or value is None or key not in team.TEAM_KEYS:
        print(f"{key}: not a per-team setting; one of: {', '.join(team.TEAM_KEYS)}", file=sys.stderr)
        return 2
    changes = team.do_update_team_settings_cli(db, team_id, name, {key: value}, now)
    print(render.saved_reply("en", changes).text)
    return 0

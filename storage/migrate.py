"""Alembic, configured in code so that no alembic.ini has to sit in the working directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class AppliedRevision:
    """One migration `upgrade` ran: its revision id and the first line of its docstring."""

    revision: str
    title: str

    def __str__(self) -> str:
        return f"{self.revision} {self.title}".strip()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> list[AppliedRevision]:
    """Apply migrations up to `revision` on `engine`'s database; the ones applied, in order
    (empty: it was up to date), so that `pipeline-coach migrate` can say what it did."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    applied: list[AppliedRevision] = []

    def record(*, step: Any, **_: Any) -> None:  # alembic's on_version_apply (storage/migrations/env.py)
        if step.is_upgrade:
            script = step.revision_map.get_revision(step.up_revision_id)
            title = (script.doc or "").strip().splitlines()[0] if script is not None and script.doc else ""
            applied.append(AppliedRevision(step.up_revision_id, title))

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A migration may rebuild an index over a big table: no per-statement limit here.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        config.attributes["connection"] = connection
        config.attributes["on_version_apply"] = record
        command.upgrade(config, revision)
    return applied


def current_heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())

"""The migrations and the models agree, on whichever database the suite runs on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.migrate import current_heads
from storage.models import Base


def test_autogenerate_finds_no_difference(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db.url))
    assert current_heads(db.engine) == set(script.get_heads())

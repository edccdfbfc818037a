"""A worker builds its workspaces' name indexes at start (issue 15), in the background: the
first `/visit` after a deploy does not pay for the build, and a database that is down at start
neither delays nor stops the worker."""

from __future__ import annotations

from bot.visits.names import forget_indexes, is_indexed
from dev.driver import Driver
from runtime.worker import warm_name_indexes
from storage.db import Database
from tests.conftest import TEAM
from tests.visit_world import account, rep


def test_the_installed_workspaces_index_exists_after_the_worker_starts(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    account(db, me, "Golf Bros")
    forget_indexes()
    assert not is_indexed(db.engine, TEAM)

    warm_name_indexes(db).join(timeout=30)

    assert is_indexed(db.engine, TEAM)


def test_a_database_that_is_down_at_start_leaves_the_index_to_the_first_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    down = Database(f"sqlite:///{tmp_path}/missing/dir/db.sqlite")  # cannot be opened
    forget_indexes()

    thread = warm_name_indexes(down)
    thread.join(timeout=30)

    assert not thread.is_alive()
    assert not is_indexed(down.engine, TEAM)

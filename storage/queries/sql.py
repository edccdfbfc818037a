"""SQL building blocks shared by the queries and operations, identical in meaning on both databases."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, literal
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.functions import FunctionElement

from storage.types import UTCDateTime


class days_between(FunctionElement[int]):
    """Whole days (floored) from instant `a` to instant `b`.

    SQLite stores instants as text and PostgreSQL as timestamptz, so each gets its own spelling;
    both give the same integer.
    """

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_pg(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(date_part('epoch', {b} - {a}) / 86400) AS INTEGER)"


def instant(value: datetime) -> ColumnElement[datetime]:
    """A bound aware datetime stored the way the columns store it (naive UTC text on SQLite)."""
    return literal(value, UTCDateTime())


def lookup(column: ColumnElement[Any] | QueryableAttribute[Any], mapping: Mapping[Any, Any]) -> ColumnElement[Any]:
    """`CASE column WHEN key THEN value … END` (NULL for keys not in `mapping`)."""
    if not mapping:
        return literal(None)
    return case(dict(mapping), value=column)


def owned_by(column: ColumnElement[Any], person_ids: Collection[int] | None) -> ColumnElement[bool] | None:
    """The filter "owned by one of `person_ids`" (None: everyone in the workspace)."""
    if person_ids is None:
        return None
    return column.in_(sorted(person_ids))


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. `Session.execute` is typed as returning a plain
    `Result`, which has no rowcount; the statements passed here always give a `CursorResult`."""
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def insert_ignoring_conflict(
    session: Session,
    model: Any,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str] | None = None,
) -> Insert:
    """`INSERT … ON CONFLICT (key) DO NOTHING` for `values` (one row or several), spelled for the
    session's database: the one way to create a row that a concurrent request or a retry may
    have created first. Add `.returning(…)` to learn whether this call inserted it. Without
    `key`, a conflict on any unique index is ignored."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(values).on_conflict_do_nothing(index_elements=list(key) if key else None)

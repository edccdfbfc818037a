"""Bulk loading for the benchmark data: COPY on PostgreSQL, big executemany on SQLite.

The generator hands each table over column by column (numpy arrays for numbers and instants,
lists for text) in chunks; the writer formats the columns the way its database wants them and
sends them in one transaction per table. Instants are int64 epoch seconds, with numpy's NaT
value (int64 min) meaning NULL; other nullable integers use -1 for NULL.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, ForeignKeyConstraint, Table, UniqueConstraint, inspect, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

NULL_TS = np.iinfo(np.int64).min  # numpy's NaT: a NULL instant
Column = Sequence[Any]
ChunkFn = Callable[[int, int], dict[str, Column]]

CHUNK_ROWS = 100_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class TableTiming:
    rows: int
    seconds: float


@dataclass
class BulkWriter:
    """Formats columns for one database and loads tables through its fastest path."""

    engine: Engine
    timings: dict[str, TableTiming] = field(default_factory=dict)
    echo: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.dialect = self.engine.dialect.name
        self._raw = self.engine.raw_connection()
        self.connection = self._raw.driver_connection
        self._pg = self.dialect == "postgresql"
        if self._pg:
            with self.connection.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
            self.connection.commit()
        else:
            # One writer, a benchmark database: durability is not the point while loading.
            for pragma in ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
                self.connection.execute(f"PRAGMA {pragma}")

    def close(self) -> None:
        self._raw.close()

    # ----- formatting (per dialect) --------------------------------------------------------
    @property
    def null(self) -> Any:
        return "\\N" if self._pg else None

    def ints(self, values: np.ndarray, *, nullable: bool = False) -> list[Any]:
        """Integers; with `nullable`, -1 means NULL."""
        if self._pg:
            out = values.astype(np.int64).astype(str).tolist()
            if nullable:
                return [self.null if v == "-1" else v for v in out]
            return out
        out = values.astype(np.int64).tolist()
        return [None if v == -1 else v for v in out] if nullable else out

    def instants(self, seconds: np.ndarray) -> list[Any]:
        """Epoch seconds (NULL_TS for NULL) as this database's UTC timestamp literal."""
        strings = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()
        if self._pg:
            return [self.null if s == "NaT" else s + "+00" for s in strings]
        # The format SQLAlchemy's SQLite DateTime writes, so comparisons with bound values agree.
        return [None if s == "NaT" else f"{s[:10]} {s[11:]}.000000" for s in strings]

    def dates(self, seconds: np.ndarray) -> list[Any]:
        strings = np.datetime_as_string(seconds.astype("datetime64[s]").astype("datetime64[D]"), unit="D").tolist()
        return [self.null if s == "NaT" else s for s in strings]

    def bools(self, values: np.ndarray, null_mask: np.ndarray | None = None) -> list[Any]:
        out = np.where(values, "t", "f").tolist() if self._pg else values.astype(np.int64).tolist()
        if null_mask is not None:
            out = [self.null if n else v for v, n in zip(out, null_mask.tolist(), strict=True)]
        return out

    def numbers(self, values: np.ndarray, *, decimals: int = 2, null_mask: np.ndarray | None = None) -> list[Any]:
        out = np.char.mod(f"%.{decimals}f", values).tolist()
        if null_mask is not None:
            out = [self.null if n else v for v, n in zip(out, null_mask.tolist(), strict=True)]
        return out

    def texts(self, values: Sequence[str | None]) -> list[Any]:
        if self._pg:
            null = self.null
            return [null if v is None else v.translate(_COPY_ESCAPES) for v in values]
        return list(values)

    def const(self, value: Any, n: int) -> list[Any]:
        if value is None:
            return [self.null] * n
        if self._pg:
            if isinstance(value, bool):
                value = "t" if value else "f"
            return [str(value).translate(_COPY_ESCAPES)] * n
        return [value] * n

    # ----- loading ------------------------------------------------------------------------
    def load(self, table: str, n: int, make_chunk: ChunkFn, *, chunk_rows: int = CHUNK_ROWS) -> None:
        """Load `n` rows of `table`; `make_chunk(lo, hi)` returns the formatted columns."""
        started = time.perf_counter()
        if n > 0:
            if self._pg:
                self._copy(table, n, make_chunk, chunk_rows)
            else:
                self._executemany(table, n, make_chunk, chunk_rows)
        elapsed = time.perf_counter() - started
        self.timings[table] = TableTiming(n, elapsed)
        rate = f"{n / elapsed:,.0f} rows/s" if elapsed > 0 and n else "-"
        self.echo(f"  {table:<16} {n:>10,} rows  {elapsed:7.2f} s  {rate}")

    def _copy(self, table: str, n: int, make_chunk: ChunkFn, chunk_rows: int) -> None:
        chunks = (make_chunk(lo, min(n, lo + chunk_rows)) for lo in range(0, n, chunk_rows))
        first = next(chunks)
        sql = f"COPY {table} ({', '.join(first)}) FROM STDIN"
        with self.connection.cursor() as cur, cur.copy(sql) as copy:
            for columns in itertools.chain([first], chunks):
                copy.write("\n".join(["\t".join(row) for row in zip(*columns.values(), strict=True)]) + "\n")
        self.connection.commit()

    def _executemany(self, table: str, n: int, make_chunk: ChunkFn, chunk_rows: int) -> None:
        conn = self.connection
        conn.execute("BEGIN")
        try:
            for lo in range(0, n, chunk_rows):
                columns = make_chunk(lo, min(n, lo + chunk_rows))
                names = ", ".join(columns)
                marks = ", ".join("?" * len(columns))
                conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", zip(*columns.values(), strict=True))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def constraints_deferred(self, tables: Sequence[Table]) -> Iterator[None]:
        """Load `tables` without their secondary indexes and foreign keys, then rebuild them.

        The order pg_restore uses: building an index once over the loaded rows is far cheaper
        than maintaining it row by row, and re-adding a foreign key checks every row in one
        join instead of one lookup per row. Nothing is skipped: the rebuilt constraints
        validate all the data (on SQLite, foreign keys are checked with `foreign_key_check`).
        """
        # Only what the database really has (the models may be ahead of an older schema).
        inspector = inspect(self.engine)
        indexes, constraints = [], []
        for table in tables:
            present = {ix["name"] for ix in inspector.get_indexes(table.name)}
            indexes += [index for index in table.indexes if index.name in present]
            if self._pg:
                present = {uq["name"] for uq in inspector.get_unique_constraints(table.name)}
                present |= {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
                constraints += [c for c in table.constraints if isinstance(c, UniqueConstraint) and c.name in present]
                constraints += [
                    c for c in table.constraints if isinstance(c, ForeignKeyConstraint) and c.name in present
                ]
        with self.engine.begin() as conn:
            for constraint in reversed(constraints):
                conn.execute(DropConstraint(constraint))
            for index in indexes:
                conn.execute(DropIndex(index))
        if not self._pg:
            self.connection.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            started = time.perf_counter()
            with self.engine.begin() as conn:
                if self._pg:
                    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
                for index in indexes:
                    conn.execute(CreateIndex(index))
                for constraint in constraints:
                    conn.execute(AddConstraint(constraint))
            if not self._pg:
                self.connection.execute("PRAGMA foreign_keys=ON")
                broken = self.connection.execute("PRAGMA foreign_key_check").fetchmany(5)
                if broken:
                    raise RuntimeError(f"foreign keys violated after the load: {broken}")
            elapsed = time.perf_counter() - started
            self.timings["(indexes, keys)"] = TableTiming(0, elapsed)
            self.echo(f"  {'(indexes, keys)':<16} {'':>10}       {elapsed:7.2f} s")

    # ----- after loading ------------------------------------------------------------------
    def finish(self, tables_with_ids: Sequence[str]) -> None:
        """Move PostgreSQL's id sequences past the ids we chose, and refresh planner statistics."""
        started = time.perf_counter()
        if self._pg:
            with self.connection.cursor() as cur:
                for table in tables_with_ids:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                    )
            self.connection.commit()
            self.connection.autocommit = True
            with self.connection.cursor() as cur:
                cur.execute("ANALYZE")
            self.connection.autocommit = False
        else:
            self.connection.execute("PRAGMA analysis_limit=2000")
            self.connection.execute("ANALYZE")
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.timings["(analyze)"] = TableTiming(0, time.perf_counter() - started)
        self.echo(f"  {'(analyze)':<16} {'':>10}       {time.perf_counter() - started:7.2f} s")


def table_max_id(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one())

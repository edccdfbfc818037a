"""`pipeline-coach import accounts|contacts|leads FILE --team T…` and
`pipeline-coach export visits|deals|conversion --team T… [--out FILE] [--since DATE] [--tz ZONE]`.

Messages are printed in English (the operator's terminal); a refused import lists every bad
line and exits 1 with nothing written.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from bot.core.i18n import t
from bot.csv_io.exporter import export_csv
from bot.csv_io.importer import ImportFailed, import_file
from bot.csv_io.leads import import_leads
from storage.db import Database
from storage.models import Workspace


def run_import(db: Database, team_id: str, kind: str, path: Path, now: datetime, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=out)
        return 2
    try:
        result = import_leads(db, team_id, data, now) if kind == "leads" else import_file(db, team_id, kind, data, now)
    except ImportFailed as failed:
        print(t("en", "csv.import.failed", count=len(failed.errors)), file=out)
        for error in failed.errors:
            prefix = t("en", "csv.err.line", line=error.line) if error.line else ""
            print(prefix + t("en", error.key, **error.values), file=out)
        return 1
    print(t("en", "csv.import.done", kind=kind, created=result.created, updated=result.updated), file=out)
    return 0


def run_export(
    db: Database,
    team_id: str,
    kind: str,
    *,
    out_path: Path | None,
    since: date | None,
    tz: str,
    out: TextIO | None = None,
    now: datetime | None = None,
) -> int:
    out = out or sys.stdout
    with db.transaction() as session:
        known = session.get(Workspace, team_id) is not None
    if not known:
        print(t("en", "csv.err.no_workspace", team=team_id), file=sys.stderr)
        return 1
    content, rows = export_csv(db, team_id, kind, since=since, tz=tz, now=now)
    if out_path is None:
        out.write(content.decode("utf-8").lstrip("\ufeff"))
        return 0
    out_path.write_bytes(content)
    print(f"{rows} {kind} written to {out_path}", file=sys.stderr)
    return 0

"""A CSV file an admin sends to the bot's DM, imported with the same all-or-nothing checks as
`pipeline-coach import` (bot/csv_io/importer.py, bot/csv_io/leads.py).

Slack I/O (files.info, the download) stays in the handler; this module decides from the
file's name and size whether to fetch it at all, recognises the kind of file by its header row
(so the admin does not have to say), and words the answer in the admin's language: a summary,
or the problems by line, at most `MAX_SHOWN` of them and "…and N more".
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.core.access import NeedsAdmin, require_admin
from bot.core.actor import Actor
from bot.core.i18n import Lang, t
from bot.core.text import normalize
from bot.csv_io.importer import (
    ACCOUNT_COLUMNS,
    CONTACT_COLUMNS,
    REQUIRED,
    ImportFailed,
    RowError,
    _lookup,
    decode,
    import_file,
)
from bot.csv_io.leads import LEAD_COLUMNS, import_leads
from bot.csv_io.leads import REQUIRED as LEAD_REQUIRED
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from bot.ui.split import split_lines
from storage.db import Database

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a Slack upload is refused above this, before downloading it
MAX_SHOWN = 20  # problems listed in the answer; the rest are counted
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
KINDS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]] = {
    "accounts": (ACCOUNT_COLUMNS, REQUIRED["accounts"]),
    "contacts": (CONTACT_COLUMNS, REQUIRED["contacts"]),
    "leads": (LEAD_COLUMNS, LEAD_REQUIRED),
}
# Columns only a lead list has: with company and name, they make a file a lead list, not contacts.
_LEAD_ONLY = ("phone", "source", "external_id")


def is_csv(name: str, filetype: str) -> bool:
    """Whether a shared file is worth downloading as a CSV (Slack's `filetype` or its name)."""
    return filetype.lower() in ("csv", "tsv") or name.lower().endswith(CSV_SUFFIXES)


def check_upload(actor: Actor, name: str, filetype: str, size: int) -> Reply | None:
    """Why a shared file is not downloaded (not an admin, not CSV, too big), or None to fetch it:
    a non-admin's file is never read."""
    try:
        require_admin(actor)
    except NeedsAdmin:
        return Reply(t(actor.lang, "csv.upload.not_admin"))
    if not is_csv(name, filetype):
        return Reply(t(actor.lang, "csv.upload.not_csv", name=bk.escape(name[:120])))
    if size > MAX_UPLOAD_BYTES:
        return Reply(
            t(
                actor.lang,
                "csv.upload.too_big",
                name=bk.escape(name[:120]),
                size=f"{size / (1024 * 1024):.1f}",
                limit=MAX_UPLOAD_BYTES // (1024 * 1024),
            )
        )
    return None


def detect_kind(text: str) -> str | None:
    """accounts, contacts or leads, from the header row's columns (English or Chinese)."""
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first else ("\t" if "\t" in first else (";" if ";" in first else ","))
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error:
        return None
    titles = [normalize(title) for title in header]

    def columns(kind: str) -> set[str]:
        names = _lookup(KINDS[kind][0])
        return {names[title] for title in titles if title in names}

    def complete(kind: str) -> bool:
        return all(c in columns(kind) for c in KINDS[kind][1])

    if complete("leads") and any(c in columns("leads") for c in _LEAD_ONLY):
        return "leads"
    if complete("contacts") and len(titles) >= 2:
        return "contacts"
    return "accounts" if complete("accounts") else None


def import_upload(db: Database, actor: Actor, name: str, data: bytes, now: datetime) -> Reply:
    """Import a downloaded file all or nothing, as the CLI does; the answer for `actor`."""
    require_admin(actor)
    lang, shown = actor.lang, bk.escape(name[:120])
    try:
        kind = detect_kind(decode(data)[0])
        if kind is None:
            return Reply(t(lang, "csv.upload.unknown_kind", name=shown))
        if kind == "leads":
            result = import_leads(db, actor.team_id, data, now)
        else:
            result = import_file(db, actor.team_id, kind, data, now)
    except ImportFailed as failed:
        return failure_reply(lang, name, failed.errors)
    named = t(lang, f"csv.upload.kind.{kind}")
    text = t(lang, "csv.import.done", kind=named, created=result.created, updated=result.updated)
    return Reply(text, [bk.section(f"{t(lang, 'csv.upload.file', name=shown, kind=named)}\n{text}")])


def problem_lines(lang: Lang, errors: list[RowError]) -> list[str]:
    """Each problem as "line N: …" (values escaped and clipped), at most `MAX_SHOWN`, then a count."""
    lines = []
    for error in errors[:MAX_SHOWN]:
        values = {k: bk.escape(bk.clip(v, 80)) if isinstance(v, str) else v for k, v in error.values.items()}
        prefix = t(lang, "csv.err.line", line=error.line) if error.line else ""
        lines.append(prefix + t(lang, error.key, **values))
    if len(errors) > MAX_SHOWN:
        lines.append(t(lang, "csv.upload.more", n=len(errors) - MAX_SHOWN))
    return lines


def failure_reply(lang: Lang, name: str, errors: list[RowError]) -> Reply:
    """Nothing imported: why, by line, in sections that stay within Slack's limits."""
    head = t(lang, "csv.import.failed", count=len(errors))
    body = "\n".join(problem_lines(lang, errors))
    intro = f"“{bk.escape(name[:120])}”\n*{head}*"
    return Reply(f"{head}\n{body}", [bk.section(intro)] + [bk.section(part) for part in split_lines(body, 2900)])


def help_reply(lang: Lang) -> Reply:
    """`/coach import`: how to send a file, and the columns of each kind (English / Chinese)."""
    parts = [t(lang, "csv.upload.help", limit=MAX_UPLOAD_BYTES // (1024 * 1024))]
    required_word = t(lang, "csv.upload.required")
    for kind, (columns, required) in KINDS.items():
        names = []
        for key, aliases in columns.items():
            chinese = next((a for a in aliases if not a.isascii()), "")
            label = f"`{aliases[0]}`" + (f" / `{chinese}`" if chinese else "")
            names.append(label + (f" {required_word}" if key in required else ""))
        parts.append(t(lang, "csv.upload.columns", kind=t(lang, f"csv.upload.kind.{kind}"), columns=", ".join(names)))
    text = "\n".join(parts)
    return Reply(text, [bk.section(part) for part in split_lines(text, 2900)])

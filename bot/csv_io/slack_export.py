"""`/coach export visits|deals|conversion [since DATE]`: a CSV of the actor's team (managers) or the whole
workspace (admins), sent as a file in Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.access import require_manager
from bot.core.actor import Actor
from bot.core.i18n import t
from bot.csv_io.exporter import export_csv
from bot.ui.reply import Reply, echo_reply
from storage.db import Database


@dataclass
class ExportFile:
    filename: str
    title: str
    content: bytes
    rows: int
    comment: str


def export_command(db: Database, actor: Actor, text: str, now: datetime) -> ExportFile | Reply:
    """`/coach export visits|deals [since YYYY-MM-DD]`: a CSV of the actor's team (managers) or
    the whole workspace (admins)."""
    lang = actor.lang
    words = text.split()
    kind = words[0].lower() if words else ""
    kind = {"拜访": "visits", "商机": "deals", "转化率": "conversion", "转化": "conversion"}.get(kind, kind)
    since: date | None = None
    rest = [w for w in words[1:] if w.lower() not in ("since", "从")]
    if kind not in ("visits", "deals", "conversion") or len(rest) > 1:
        return echo_reply(lang, "csv.export.usage", None)
    if rest:
        try:
            since = date.fromisoformat(rest[0])
        except ValueError:
            return echo_reply(lang, "csv.export.usage", text)
    require_manager(actor)
    content, rows = export_csv(db, actor.team_id, kind, actor=actor, since=since, tz=actor.tz, now=now)
    stamp = now.strftime("%Y%m%d")
    title = t(lang, f"csv.export.title_{kind}")
    comment = t(lang, "csv.export.done", kind=title, rows=rows)
    return ExportFile(f"pipeline-coach-{kind}-{stamp}.csv", f"{title} {stamp}", content, rows, comment)

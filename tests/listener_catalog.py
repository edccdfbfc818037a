"""What the app listens to, read from the app itself (Bolt's matchers) and the manifest, so the
security and fuzz tests cover every listener that exists, not a list someone has to keep.

Also the attack surface helpers those tests share: a snapshot of every row of the database (to
prove a request changed nothing it must not), and the user-visible error texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import find
from hypothesis import strategies as st
from slack_bolt import App
from sqlalchemy import select

from bot.core.i18n import t
from storage.db import Database
from storage.models import Base

ROOT = Path(__file__).resolve().parents[1]

# Bolt matcher factory name → the kind of request it matches.
_KINDS = {
    "command": "command",
    "action": "action",
    "block_action": "action",
    "view": "view",
    "view_submission": "view",
    "view_closed": "view_closed",
    "shortcut": "shortcut",
    "global_shortcut": "shortcut",
    "message_shortcut": "message_shortcut",
    "event": "event",
    "options": "options",
    "block_suggestion": "options",
}


@dataclass(frozen=True)
class Listener:
    kind: str  # command, action, view, view_closed, shortcut, message_shortcut, event, options
    constraint: str | re.Pattern[str]
    function: str
    ids: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        pattern = self.constraint if isinstance(self.constraint, str) else self.constraint.pattern
        return f"{self.kind}:{pattern}"

    def sample_ids(self) -> list[str]:
        """Concrete ids this listener matches: one per top-level alternative of a regex."""
        return list(self.ids) or _sample_ids(self.constraint)


def _sample_ids(constraint: str | re.Pattern[str]) -> list[str]:
    if isinstance(constraint, str):
        return [constraint]
    return list(_regex_samples(constraint.pattern))


@cache
def _regex_samples(full: str) -> tuple[str, ...]:
    """One minimal example per top-level alternative (hypothesis.find is slow: cached)."""
    constraint = re.compile(full)
    pattern = full.removeprefix("^").removesuffix("$")
    inner = pattern[1:-1] if pattern.startswith("(") and pattern.endswith(")") else None
    alternatives = _split_alternatives(inner) if inner is not None and _balanced(inner) else [pattern]
    ids = []
    for alternative in alternatives:
        example = find(st.from_regex(f"^(?:{alternative})$", fullmatch=True), lambda _: True)
        assert constraint.search(example), (constraint.pattern, example)
        ids.append(example)
    return tuple(ids)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


def _split_alternatives(pattern: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in pattern:
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (char == "(") - (char == ")")
        current += char
    parts.append(current)
    return parts


def listeners(app: App) -> list[Listener]:
    found: list[Listener] = []
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            kind = _KINDS.get(getattr(func, "__qualname__", "").split(".<locals>")[0])
            if kind is None:
                continue
            for cell in getattr(func, "__closure__", None) or ():
                value = cell.cell_contents
                if isinstance(value, dict):
                    value = value.get("callback_id") or value.get("action_id") or value.get("type")
                if isinstance(value, str | re.Pattern):
                    found.append(Listener(kind, value, listener.ack_function.__name__, tuple(_sample_ids(value))))
    return found


def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def manifest_surfaces() -> set[str]:
    """Labels of what the manifest declares: commands, shortcuts, bot events."""
    m = manifest()
    labels = {f"command:{c['command']}" for c in m["features"].get("slash_commands", [])}
    for s in m["features"].get("shortcuts", []):
        labels.add(f"{'message_shortcut' if s['type'] == 'message' else 'shortcut'}:{s['callback_id']}")
    events = m["settings"].get("event_subscriptions", {}).get("bot_events", [])
    # Slack's message.im (.channels, …) subscriptions all deliver events of type "message".
    labels |= {f"event:{e.partition('.')[0] if e.startswith('message.') else e}" for e in events}
    return labels


# ----- the database as a whole ------------------------------------------------------------------
# Rows any request may touch: the acting person and their workspace come into being on first
# sight, Slack profile caching, event receipts, the scheduler's ledger.
BOOKKEEPING = {"workspaces", "people", "stages", "event_receipts", "deliveries", "job_runs"}


def snapshot(db: Database, *, skip: set[str] = frozenset()) -> dict[str, set[tuple[Any, ...]]]:  # type: ignore[assignment]
    """Every row of every table (as tuples of its column values), table by table."""
    rows: dict[str, set[tuple[Any, ...]]] = {}
    with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows[table.name] = {tuple(map(repr, row)) for row in session.execute(select(table)).all()}
    return rows


def changed_tables(before: dict[str, set[tuple[Any, ...]]], after: dict[str, set[tuple[Any, ...]]]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def error_texts() -> list[str]:
    """The first line of every generic apology, both languages."""
    keys = ("common.error", "common.db_unavailable")
    return [t(lang, key).split("\n")[0][:40] for key in keys for lang in ("en", "zh")]

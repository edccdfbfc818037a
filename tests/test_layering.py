"""Dependencies point one way: handlers and scheduler → bot → storage; Slack stays at the edge.

`bot/`'s entry points (the app factory, CLI, web server, shell and dev tools) are the one place
where `bot/` meets Slack and wires handlers and the scheduler in; every other module of `bot/`
and all of `storage/` import neither Slack nor the outer layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = (
    "bot/app.py",
    "bot/cli.py",
    "bot/web.py",
    "bot/server.py",
    "bot/worker.py",
    "bot/shell/",
    "bot/devtools/",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations/versions" not in str(p)]


def test_storage_imports_nothing_above_it() -> None:
    for path in _files("storage"):
        bad = _imports(path) & {"bot", "handlers", "scheduler", "slack_sdk", "slack_bolt"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_bot_domain_modules_import_no_slack_and_no_outer_layer() -> None:
    for path in _files("bot"):
        rel = str(path.relative_to(ROOT))
        if rel.startswith(ENTRY_POINTS):
            continue
        bad = _imports(path) & {"handlers", "scheduler", "slack_sdk", "slack_bolt"}
        assert not bad, f"{rel} imports {bad}"


def test_scheduler_does_not_import_handlers() -> None:
    for path in _files("scheduler"):
        assert "handlers" not in _imports(path), path

"""Dependencies point one way: runtime → handlers, scheduler → bot → storage; dev tools on top.

Every rule holds for every file of its package, with no exemptions (ARCHITECTURE.md). Imports
inside functions count too: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLACK = {"slack_sdk", "slack_bolt"}
PACKAGES = ("storage", "bot", "handlers", "scheduler", "runtime", "dev")

# package -> what it may not import
FORBIDDEN: dict[str, set[str]] = {
    "storage": {"bot", "handlers", "scheduler", "runtime", "dev"} | SLACK,
    "bot": {"handlers", "scheduler", "runtime", "dev"} | SLACK,
    "handlers": {"scheduler", "runtime", "dev"},
    "scheduler": {"handlers", "runtime", "dev"},
    "runtime": {"dev"},
    "dev": set(),
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations/versions" not in str(p)]


def _unit(module: str) -> str:
    """The unit cycles are checked between: a top-level package, or one of bot's areas."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    problems = []
    for path in _files(package):
        bad = {name.split(".")[0] for name in _imported_modules(path)} & FORBIDDEN[package]
        if bad:
            problems.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not problems, "\n".join(problems)


def test_no_import_cycles_between_packages_or_bot_areas() -> None:
    known = set(PACKAGES) | {p.name for p in (ROOT / "bot").iterdir() if p.is_dir()}
    graph: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in _files(package):
            source = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for name in _imported_modules(path):
                target = _unit(name)
                leaf = target.split(".")[-1]
                if target != source and target != "bot" and leaf in known and target.split(".")[0] in PACKAGES:
                    graph[source].add(target)

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            for nxt in graph[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    cycles = sorted(f"{a} ⇄ {b}" for a in list(graph) for b in graph[a] if a in reachable(b))
    assert not cycles, cycles


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    """The checker itself: a domain module importing Slack is found."""
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from slack_sdk import WebClient\n    return WebClient\n")
    assert "slack_sdk" in {n.split(".")[0] for n in _imported_modules(bad)}

"""Nothing reads the calendar except through `bot/core/clock.py`.

The app is given its clock (`Clock`, or a `ManualClock` in the tests and the shell): a module
that asks `datetime.now()` itself cannot be moved by the tests, and the suite then passes or
fails depending on the real date (a test data set stamped with the suite's fixed date ages).
Durations and timeouts (`time.monotonic`) and Slack's signature timestamps (`time.time`,
checked by Bolt against the same clock) are not the calendar and are not covered here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"bot/core/clock.py"}
CALENDAR_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today")}


def _sources() -> list[Path]:
    """Every Python file of the project (product, tests, benchmarks), not virtual environments."""
    return [
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in {"build", "site-packages"} for part in path.relative_to(ROOT).parts)
        and "migrations/versions" not in path.as_posix()
    ]


def _calendar_reads(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in CALENDAR_READS:
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_calendar() -> None:
    sources = _sources()
    assert any(p.relative_to(ROOT).as_posix() == "bot/core/clock.py" for p in sources)  # the scan sees the project
    checked = [p for p in sources if p.relative_to(ROOT).as_posix() not in ALLOWED]
    reads = [read for p in checked for read in _calendar_reads(p)]
    assert reads == []


def test_the_scan_finds_each_way_of_asking_the_date(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime as dt\nfrom datetime import UTC, date, datetime\n"
        "a = dt.datetime.now()\nb = date.today()\nc = datetime.now(UTC)\n"
        "d = datetime.utcnow()\ne = dt.date(2026, 1, 1)\n"
    )
    assert _calendar_reads(sample, tmp_path) == [
        "sample.py:3 datetime.now()",
        "sample.py:4 date.today()",
        "sample.py:5 datetime.now()",
        "sample.py:6 datetime.utcnow()",
    ]

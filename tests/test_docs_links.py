"""The project's Markdown links point at files inside the repository.

A clone with nothing beside it must be complete: a link to `../shared/…` worked only on the
machine the project was written on (issue 13).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Inline links and images `[text](target "title")`, and reference definitions `[id]: target`.
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def documents() -> list[Path]:
    """README.md, the docs/ pages, and the notes beside vendored files."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("**/*.md")),
        *sorted((ROOT / "tests" / "vendor").glob("**/*.md")),
    ]


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """The relative link targets in `path` that do not name an existing file or folder under `root`.

    Web links (`https:`, `mailto:`) and in-page anchors are not files and are skipped; code spans
    are not links.
    """
    text = _CODE.sub("", path.read_text(encoding="utf-8"))
    targets = _INLINE.findall(text) + _REFERENCE.findall(text)
    broken = []
    for target in targets:
        if _SCHEME.match(target) or target.startswith("#"):
            continue
        file_part = target.split("#", 1)[0]
        resolved = (path.parent / file_part).resolve()
        if not resolved.is_relative_to(root.resolve()) or not resolved.exists():
            broken.append(target)
    return broken


def test_every_relative_link_resolves_inside_the_repository() -> None:
    found = {str(p.relative_to(ROOT)): broken_links(p) for p in documents()}
    assert "docs/method.md" in found  # the sales method is a page of the project's own docs
    assert {name: links for name, links in found.items() if links} == {}


def test_the_readme_links_to_the_sales_method() -> None:
    assert "](docs/method.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_link_outside_the_clone_or_to_a_missing_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "method.md").write_text("# Method\n", encoding="utf-8")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "DOMAIN.md").write_text("# outside\n", encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(
        "The method: [`docs/method.md`](docs/method.md), [the old page](../shared/DOMAIN.md),\n"
        "[gone](docs/missing.md#section), [a section](docs/method.md#method), [Slack](https://api.slack.com/),\n"
        "![chart](docs/chart.png) and `[code](not/a/link.md)`.\n\n[ref]: docs/other.md\n",
        encoding="utf-8",
    )
    assert broken_links(readme, root) == [
        "../shared/DOMAIN.md",
        "docs/missing.md#section",
        "docs/chart.png",
        "docs/other.md",
    ]

"""What the app writes in the directory it runs in stays out of version control: a contributor
who tried `serve`, the demo shell or an export in their clone sees a clean `git status`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.core.settings import default_database_url, default_spool_dir
from dev.shell.main import DEMO_DB

ROOT = Path(__file__).resolve().parents[1]


def _written_in_the_working_directory() -> list[str]:
    """Paths relative to the working directory, as the app names them by default."""
    database = Path(str(make_url(default_database_url()).database)).name
    return [
        database,
        f"{database}-wal",
        f"{database}-shm",
        f"{database}-journal",
        DEMO_DB,
        f"{default_spool_dir().name}/0001-123-abc.seg",
        f"{default_spool_dir().name}/failed/0001-123-abc.seg",
        "pipeline-coach-files/17-pipeline.csv",  # the shell's downloads (dev/shell/session.py)
    ]


def test_files_the_app_writes_in_its_working_directory_are_ignored_by_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = _written_in_the_working_directory()
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(paths),
        capture_output=True,
        text=True,
        check=False,
    )
    assert sorted(result.stdout.split()) == sorted(paths)

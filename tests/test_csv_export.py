"""CSV export of visits and deals: from the CLI, and as a file in Slack for managers (their
team only) and admins (everyone); reps get none."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.settings import Settings
from bot.people.members import actor_for
from bot.visits.ops import ContactInput, VisitInput, log_visit
from dev.driver import Driver
from storage.db import Database
from storage.models import Person, Visit
from tests.conftest import START, TEAM
from tests.deal_world import ADMIN, MGR, REP, ZH, all_calls_ok, build_team, cli, deal_by_title


@pytest.fixture
def world(driver: Driver, db: Database) -> dict[str, int]:
    ids = build_team(driver, db)
    driver.command(REP, "/deal", 'new Ricoh "=HYPERLINK(evil)" 120k close Dec')
    driver.command(REP, "/deal", "Ricoh hyperlink budget yes")
    driver.command(ZH, "/deal", "新建 佳能 复印机项目 12万")
    with db.transaction() as session:
        # Ren met 张总 at Ricoh (level 2) the day before; 张伟 visited Canon two days before.
        for rep, account, days, purpose, met in (
            (REP, "Ricoh", 1, 'Demo, with "quotes"', (ContactInput(name="张总", level=2),)),
            (ZH, "Canon", 2, "拜访", ()),
        ):
            person = session.get(Person, ids[rep])
            assert person is not None
            visit = VisitInput(
                account_id=ids[account],
                channel="in_person",
                contacts=met,
                occurred_at=START - timedelta(days=days),
                purpose=purpose,
                next_step="proposal",
                next_due=START + timedelta(days=3),
            )
            log_visit(session, actor_for(person), visit, now=START, request_key=None)
    driver.fake.reset()
    return ids


def _rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_cli_exports_deals_and_visits(
    db: Database, world: dict[str, int], tmp_path: Path, settings: Settings, capsys
) -> None:
    out = tmp_path / "deals.csv"
    assert cli(["export", "deals", "--team", TEAM, "--out", str(out), "--tz", "Asia/Shanghai"], settings) == 0
    rows = _rows(out.read_bytes())
    assert [r["title"] for r in rows] == ["'=HYPERLINK(evil)", "复印机项目"]
    ricoh = rows[0]
    assert (ricoh["account"], ricoh["owner"], ricoh["stage"], ricoh["stage_zh"], ricoh["amount"]) == (
        "Ricoh",
        REP,
        "S",
        "潜在客户",
        "120000.00",
    )
    assert (ricoh["budget"], ricoh["authority"], ricoh["expected_close"], ricoh["status"]) == (
        "yes",
        "",
        "2026-12-31",
        "open",
    )
    assert ricoh["created_at"] == "2026-11-23T10:00:00+08:00"

    assert cli(["export", "visits", "--team", TEAM], settings) == 0
    visits = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(v["rep"], v["account"], v["contacts"]) for v in visits] == [(ZH, "Canon", ""), (REP, "Ricoh", "张总")]
    assert visits[1]["purpose"] == 'Demo, with "quotes"'
    assert visits[1]["occurred_at"] == "2026-11-22T02:00:00+00:00"

    assert cli(["export", "visits", "--team", TEAM, "--since", "2026-11-22"], settings) == 0
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 1
    assert cli(["export", "deals", "--team", "T0000NOPE"], settings) == 1


def _uploaded(driver: Driver) -> tuple[bytes, str]:
    (stored,) = driver.fake.files.values()
    return stored["content"], stored["channel"]


def test_a_manager_gets_a_file_of_their_team_only(driver: Driver, db: Database, world: dict[str, int]) -> None:
    driver.command(MGR, "/coach", "export deals")
    content, channel = _uploaded(driver)
    assert channel == driver.fake.dm_channel(MGR)
    assert [r["owner"] for r in _rows(content)] == [REP]
    assert "Here is the Deals export: 1 row." in driver.last_ephemeral(MGR)["text"]
    all_calls_ok(driver)


def test_an_admin_gets_everything_in_their_language(driver: Driver, db: Database, world: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", "export visits since 2026-11-01")
    content, _ = _uploaded(driver)
    assert {r["rep"] for r in _rows(content)} == {REP, ZH}
    driver.command(ADMIN, "/coach", "export everything")
    assert "Usage: `/coach export visits|deals" in driver.last_ephemeral(ADMIN)["text"]


def test_a_rep_gets_no_export(driver: Driver, db: Database, world: dict[str, int]) -> None:
    driver.command(ZH, "/coach", "export deals")
    assert "只有经理和管理员" in driver.last_ephemeral(ZH)["text"]
    assert driver.fake.files == {}
    assert not driver.fake.calls_to("files.getUploadURLExternal")
    with db.transaction() as session:
        assert session.scalars(select(Visit)).all()  # nothing was touched either
    assert deal_by_title(db, "复印机项目").status == "open"

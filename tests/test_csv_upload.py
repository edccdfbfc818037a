"""CSV import from Slack (issue 19 item 6): an admin sends a CSV to the bot's DM and it is
imported all or nothing, exactly as `pipeline-coach import` would; the answer, in the admin's
language, is a summary or the problems by line. Everything goes through signed requests and the
fake Slack (files.info, then the file's url_private_download with the bot token)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.csv_io.slack_import import MAX_SHOWN, MAX_UPLOAD_BYTES, detect_kind
from bot.people.admin import set_role
from bot.people.members import actor_for
from dev.driver import Driver
from storage.db import Database
from storage.models import Account, Contact, Lead, Person
from tests.conftest import START
from tests.deal_world import ADMIN, REP, ZH, all_calls_ok, build_team


@pytest.fixture
def world(driver: Driver, db: Database) -> dict[str, int]:
    return build_team(driver, db)


def _make_admin(db: Database, user_id: str) -> None:
    """The admin makes `user_id` an admin too (`/coach role @user admin`)."""
    with db.transaction() as session:
        admin = session.scalars(select(Person).where(Person.slack_user_id == ADMIN)).one()
        set_role(session, actor_for(admin), user_id, "admin", START)


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _replies(driver: Driver, user: str) -> list[str]:
    """What the bot said in `user`'s DM: each message's text and its blocks' text."""
    texts = []
    for message in driver.fake.dms_to(user):
        parts = [message.text] + [str((b.get("text") or {}).get("text") or "") for b in message.blocks]
        texts.append("\n".join(parts))
    return texts


def _upload(driver: Driver, user: str, name: str, content: bytes, event_id: str | None = None) -> None:
    event = driver.fake.share_file(user, name, content)
    assert driver.event(event, event_id=event_id).status == 200


ACCOUNTS_EN = (
    "Account Name,Aliases,Owner,Industry,Region,Business status\n"
    "Contoso,Contoso Ltd;CTS,UREP,Manufacturing,Shanghai,has business\n"
    "  Fabrikam  ,,Ren,Retail,Beijing,no\n"
)


def test_an_admin_uploads_accounts_and_they_are_imported(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _count(db, Account)
    _upload(driver, ADMIN, "accounts.csv", ACCOUNTS_EN.encode("utf-8-sig"))
    assert _count(db, Account) == before + 2
    with db.transaction() as session:
        fabrikam = session.scalars(select(Account).where(Account.name == "Fabrikam")).one()
        assert (fabrikam.owner_id, fabrikam.business_status) == (world[REP], "no_business")
    [reply] = _replies(driver, ADMIN)
    assert "Accounts" in reply and "2 new" in reply and "accounts.csv" in reply
    [download] = driver.fake.calls_to("files.download")
    assert download.token  # fetched with the bot token as a Bearer header
    all_calls_ok(driver)


CONTACTS_ZH = "客户名称,联系人,职位,部门,角色,关系水平\n理光,王强,采购经理,采购部,采购,2\n佳能,李娜,总经理,,决策人,L3\n"


def test_a_gbk_chinese_export_is_recognised_as_contacts(driver: Driver, db: Database, world: dict[str, int]) -> None:
    _make_admin(db, ZH)
    data = CONTACTS_ZH.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really what Excel writes on Chinese Windows, not UTF-8
    _upload(driver, ZH, "联系人.csv", data)
    with db.transaction() as session:
        contacts = {c.name: (c.title, c.buying_role, c.account_id) for c in session.scalars(select(Contact))}
    assert contacts["王强"] == ("采购经理", "purchaser", world["Ricoh"])
    assert contacts["李娜"][2] == world["Canon"]
    [reply] = _replies(driver, ZH)
    assert "已导入联系人" in reply and "新增 2 条" in reply


ACCOUNTS_BAD = (
    "Account,Owner,Potential,Business\n"  # line 1
    "Alpha Corp,UREP,100k,yes\n"  # 2
    "Beta Corp,UREP,120k,maybe\n"  # 3: not a business status
    "Gamma Corp,UREP,,\n"  # 4
    "Delta Corp,UREP,50k,no\n"  # 5
    "Epsilon Corp,,,\n"  # 6
    "Zeta Corp,UREP,lots,yes\n"  # 7: not an amount
)


def test_errors_on_lines_3_and_7_import_nothing_and_are_named(
    driver: Driver, db: Database, world: dict[str, int]
) -> None:
    before = _count(db, Account)
    _upload(driver, ADMIN, "pipeline.csv", ACCOUNTS_BAD.encode())
    assert _count(db, Account) == before  # all or nothing
    [reply] = _replies(driver, ADMIN)
    assert "Nothing was imported: 2 problems" in reply
    assert "line 3: “maybe”" in reply and "line 7: “lots” is not an amount" in reply
    assert "line 2" not in reply and "line 4" not in reply


def test_a_long_list_of_problems_is_bounded(driver: Driver, db: Database, world: dict[str, int]) -> None:
    rows = "".join(f"Account {i},,,perhaps\n" for i in range(60))
    _upload(driver, ADMIN, "many.csv", ("Account,Owner,Potential,Business\n" + rows).encode())
    [reply] = _replies(driver, ADMIN)
    assert f"line {MAX_SHOWN + 1}:" in reply and f"line {MAX_SHOWN + 2}:" not in reply
    assert f"and {60 - MAX_SHOWN} more problems" in reply
    all_calls_ok(driver)


def test_a_rep_is_refused_and_the_file_is_never_read(driver: Driver, db: Database, world: dict[str, int]) -> None:
    before = _count(db, Account)
    _upload(driver, REP, "accounts.csv", ACCOUNTS_EN.encode())
    assert _count(db, Account) == before
    assert driver.fake.calls_to("files.download") == []
    [reply] = _replies(driver, REP)
    assert "Only a workspace admin can import" in reply


def test_a_retried_event_imports_once(driver: Driver, db: Database, world: dict[str, int]) -> None:
    event = driver.fake.share_file(
        ADMIN, "leads.csv", b"Company,Name,Phone,Source\nNorthwind,Raj Patel,+1 555 0100,expo\n"
    )
    driver.event(event, event_id="EvFile1")
    driver.event(event, event_id="EvFile1", headers={"X-Slack-Retry-Num": "1"})
    assert _count(db, Lead) == 1
    assert len(driver.fake.calls_to("files.download")) == 1
    [reply] = _replies(driver, ADMIN)
    assert "Leads" in reply and "1 new" in reply


def test_a_file_over_the_limit_is_refused_before_download(driver: Driver, db: Database, world: dict[str, int]) -> None:
    big = ACCOUNTS_EN.encode() + b"Filler Co,,,,,\n" * (MAX_UPLOAD_BYTES // 15 + 10)
    assert len(big) > MAX_UPLOAD_BYTES
    before = _count(db, Account)
    _upload(driver, ADMIN, "huge.csv", big)
    assert _count(db, Account) == before
    assert driver.fake.calls_to("files.download") == []
    [reply] = _replies(driver, ADMIN)
    assert "huge.csv" in reply and "up to 5 MB" in reply and "nothing was imported" in reply


def test_the_bots_own_export_and_other_files_are_not_imported(
    driver: Driver, db: Database, world: dict[str, int]
) -> None:
    own = driver.fake.share_file(ADMIN, "pipeline-coach-deals.csv", ACCOUNTS_EN.encode())
    driver.event({**own, "user": "UBOT0000", "bot_id": "BFAKE"})  # /coach export's file in the DM
    assert driver.fake.calls_to("files.info") == [] and _replies(driver, ADMIN) == []
    photo = driver.fake.share_file(ADMIN, "photo.png", b"\x89PNG\r\n", filetype="png")
    driver.event(photo)
    assert driver.fake.calls_to("files.download") == []
    [reply] = _replies(driver, ADMIN)
    assert "not a CSV file" in reply


def test_coach_import_explains_in_each_language(driver: Driver, db: Database, world: dict[str, int]) -> None:
    driver.command(ADMIN, "/coach", "import")
    text = str(driver.last_ephemeral(ADMIN))
    assert "direct message" in text and "Accounts" in text and "Leads" in text and "`联系人`" in text
    _make_admin(db, ZH)
    driver.command(ZH, "/coach", "导入")
    text = str(driver.last_ephemeral(ZH))
    assert "私信" in text and "联系人" in text and "GBK" in text
    driver.command(REP, "/coach", "import")
    assert "admin" in str(driver.last_ephemeral(REP)).lower()
    all_calls_ok(driver)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Account Name,Owner,Region", "accounts"),
        ("客户名称,别名,负责人", "accounts"),
        ("Company,Contact,Title,Role", "contacts"),
        ("客户,联系人,职位", "contacts"),
        ("Company,Name,Phone,Source", "leads"),
        ("公司名称,联系人,手机,来源", "leads"),
        ("Date,Amount,Notes", None),
    ],
)
def test_the_kind_of_file_is_told_by_its_header(header: str, kind: str | None) -> None:
    assert detect_kind(header + "\nx,y,z\n") == kind

"""CSV import of accounts and contacts: BOM or not, Chinese headers, GB18030, re-imports, and a
bad row reported by line number with nothing half imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.accounts.matching import find_accounts
from bot.core.settings import Settings
from bot.csv_io.importer import ImportFailed, import_file
from bot.people.members import actor_for, ensure_person
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Person
from tests.conftest import START, TEAM
from tests.deal_world import cli


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        admin = ensure_person(session, TEAM, "UADMIN", START)
        rep = ensure_person(session, TEAM, "UREP", START)
        zh = ensure_person(session, TEAM, "UZH", START)
        zh.name = "张伟"
        return {"UADMIN": admin.id, "UREP": rep.id, "UZH": zh.id}


def _count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


ACCOUNTS_ZH = (
    "客户名称,别名,负责人,行业,地区,有无生意,备注\n"
    "理光,Ricoh;リコー,UREP,办公设备,上海,有生意,老客户\n"
    "佳能,Canon、佳能中国,张伟,影像,北京,无生意,\n"
)


def test_chinese_headers_with_bom(db: Database, people: dict[str, int]) -> None:
    result = import_file(db, TEAM, "accounts", ACCOUNTS_ZH.encode("utf-8-sig"), START)
    assert (result.created, result.updated, result.encoding) == (2, 0, "utf-8")
    with db.transaction() as session:
        ricoh = session.scalars(select(Account).where(Account.name == "理光")).one()
        canon = session.scalars(select(Account).where(Account.name == "佳能")).one()
        assert (ricoh.owner_id, ricoh.industry, ricoh.region, ricoh.business_status) == (
            people["UREP"],
            "办公设备",
            "上海",
            "has_business",
        )
        assert (canon.owner_id, canon.business_status) == (people["UZH"], "no_business")
        aliases = set(session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id == canon.id)))
        assert aliases == {"Canon", "佳能中国"}
        admin = actor_for(session.get(Person, people["UADMIN"]))
        assert [c.name for c in find_accounts(session, admin, "ricoh")] == ["理光"]


def test_english_headers_without_bom_and_reimport_updates(db: Database, people: dict[str, int]) -> None:
    data = b"Account Name,Aliases,Owner,Industry\nRicoh,\xe7\x90\x86\xe5\x85\x89,<@UREP|ren>,Office\nNikon,,,\n"
    assert import_file(db, TEAM, "accounts", data, START).created == 2
    again = import_file(db, TEAM, "accounts", data.replace(b"Office", b"Printing"), START)
    assert (again.created, again.updated) == (0, 2)
    with db.transaction() as session:
        ricoh = session.scalars(select(Account).where(Account.name == "Ricoh")).one()
        assert ricoh.industry == "Printing"
        nikon = session.scalars(select(Account).where(Account.name == "Nikon")).one()
        assert nikon.owner_id is None
    assert _count(db, AccountAlias) == 1


def test_a_new_slack_user_id_becomes_a_rep(db: Database, people: dict[str, int]) -> None:
    import_file(db, TEAM, "accounts", b"name,owner\nRicoh,UNEWHIRE\n", START)
    with db.transaction() as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == "UNEWHIRE")).one()
        assert person.role == "rep"
        assert session.scalars(select(Account)).one().owner_id == person.id


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(db: Database, people: dict[str, int]) -> None:
    data = (
        "客户名称,负责人,潜力\n"
        "理光,UREP,50万\n"
        '"佳能\n(多行名称)",无名氏,\n'  # lines 3–4: an unknown owner
        ",UREP,\n"  # line 5: no name
        "Nikon,,a lot\n"  # line 6: not an amount
        "理光,,\n"  # line 7: already on line 2
    ).encode("utf-8-sig")
    with pytest.raises(ImportFailed) as failed:
        import_file(db, TEAM, "accounts", data, START)
    found = [(e.line, e.key) for e in failed.value.errors]
    assert found == [
        (3, "csv.err.owner_unknown"),
        (5, "csv.err.no_name"),
        (6, "csv.err.amount"),
        (7, "csv.err.duplicate"),
    ]
    assert _count(db, Account) == 0 and _count(db, AccountAlias) == 0


def test_contacts_with_chinese_headers_and_gb18030(db: Database, people: dict[str, int]) -> None:
    import_file(db, TEAM, "accounts", ACCOUNTS_ZH.encode("utf-8-sig"), START)
    data = (
        "客户名称,联系人,职位,部门,角色,关系水平\n"
        "理光,张总,总经理,管理层,决策人,3\n"
        "Canon,李工,工程师,技术部,使用者,L1\n"
        "理光,王芳,采购经理,采购部,purchaser,\n"
    ).encode("gb18030")
    result = import_file(db, TEAM, "contacts", data, START)
    assert (result.created, result.encoding) == (3, "gb18030")
    with db.transaction() as session:
        contacts = {c.name: c for c in session.scalars(select(Contact))}
    assert (contacts["张总"].buying_role, contacts["张总"].relationship_level, contacts["张总"].title) == (
        "decision_maker",
        3,
        "总经理",
    )
    assert (contacts["李工"].buying_role, contacts["李工"].relationship_level) == ("user", 1)
    assert contacts["王芳"].buying_role == "purchaser"


def test_bad_contacts_import_nothing(db: Database, people: dict[str, int]) -> None:
    import_file(db, TEAM, "accounts", ACCOUNTS_ZH.encode("utf-8-sig"), START)
    data = b"account,name,role,level\nRicoh,Zhang,decision maker,2\nXerox,Li,,\nRicoh,Wang,boss,\nRicoh,Zhou,,7\n"
    with pytest.raises(ImportFailed) as failed:
        import_file(db, TEAM, "contacts", data, START)
    assert [(e.line, e.key) for e in failed.value.errors] == [
        (3, "csv.err.account_unknown"),
        (4, "csv.err.role"),
        (5, "csv.err.level"),
    ]
    assert _count(db, Contact) == 0


def test_a_cell_too_long_for_its_column_is_refused(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_file(db, TEAM, "accounts", ("name,size\nSony,small\nNikon," + "x" * 41 + "\n").encode(), START)
    assert [(e.line, e.key, e.values) for e in failed.value.errors] == [
        (3, "csv.err.too_long", {"column": "size", "limit": 40})
    ]
    assert _count(db, Account) == 0


def test_missing_columns_and_unknown_workspace(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(ImportFailed) as failed:
        import_file(db, TEAM, "contacts", b"name,title\nZhang,CEO\n", START)
    assert [(e.line, e.key) for e in failed.value.errors] == [(1, "csv.err.missing_column")]
    with pytest.raises(ImportFailed) as failed:
        import_file(db, "T0000NOPE", "accounts", b"name\nRicoh\n", START)
    assert failed.value.errors[0].key == "csv.err.no_workspace"


def test_the_command_line(db: Database, people: dict[str, int], tmp_path: Path, settings: Settings, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("客户名称,负责人\n理光,UREP\n佳能,没有这个人\n".encode("utf-8-sig"))
    assert cli(["import", "accounts", str(bad), "--team", TEAM], settings) == 1
    printed = capsys.readouterr().out
    assert "Nothing was imported: 1 problem in the file." in printed
    assert "line 3: no one called “没有这个人”" in printed
    assert _count(db, Account) == 0
    good = tmp_path / "good.csv"
    good.write_bytes(ACCOUNTS_ZH.encode("utf-8"))
    assert cli(["import", "accounts", str(good), "--team", TEAM], settings) == 0
    assert "Imported accounts: 2 new, 0 updated." in capsys.readouterr().out

"""Importing accounts and contacts from the spreadsheets teams already keep.

Files are UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"); GB18030 (what Excel
writes on Chinese Windows) is accepted too. Headers may be English or Chinese (客户名称, 别名,
负责人, 行业, 地区, 联系人, 职位, 部门, 角色, 关系水平 …), in any order; unknown columns are
ignored. An import is all or nothing: every row is checked first, and a file with any bad row
is refused with each problem and its line number, so nothing is ever half imported.

Re-importing the same file is safe: an account is matched by its normalised name (and a
contact by name within its account) and updated; aliases are added, never duplicated.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import live_namesake
from bot.core.i18n import plural
from bot.core.text import normalize
from bot.deals.amounts import parse_amount
from bot.deals.ops import new_account
from bot.people.members import ensure_person
from storage.db import Database
from storage.models import Account, AccountAlias, AccountDomain, Contact, Person, Workspace

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000

ACCOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "account", "account name", "customer", "company", "客户", "客户名称", "公司", "公司名称", "名称"),
    "aliases": ("aliases", "alias", "other names", "别名", "简称", "英文名"),
    "owner": ("owner", "rep", "sales rep", "负责人", "销售", "销售代表", "客户经理"),
    "industry": ("industry", "行业"),
    "region": ("region", "area", "地区", "区域"),
    "size": ("size", "规模"),
    "potential": ("potential", "潜力", "潜在金额"),
    "business": ("business", "business status", "有无生意", "生意", "业务状态"),
    "domains": ("domains", "domain", "email domain", "email domains", "域名", "邮箱域名", "邮件域名"),
}
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account name", "customer", "company", "客户", "客户名称", "公司", "公司名称"),
    "name": ("name", "contact", "contact name", "联系人", "姓名", "名字"),
    "title": ("title", "position", "job title", "职位", "职务"),
    "department": ("department", "dept", "部门"),
    "role": ("role", "buying role", "角色", "采购角色"),
    "level": ("level", "relationship", "relationship level", "关系", "关系水平"),
    "notes": ("notes", "note", "comment", "备注"),
    "email": ("email", "e-mail", "email address", "邮箱", "电子邮件", "邮件地址"),
}
REQUIRED = {"accounts": ("name",), "contacts": ("account", "name")}

ROLES = {
    "decision_maker": ("decision_maker", "decision maker", "dm", "决策人", "决策者"),
    "influencer": ("influencer", "影响者", "影响人"),
    "user": ("user", "operator", "使用者", "用户", "使用人"),
    "purchaser": ("purchaser", "buyer", "procurement", "采购", "采购人", "采购员"),
    "coach": ("coach", "champion", "教练", "内线"),
}
BUSINESS = {
    "has_business": ("has_business", "has business", "yes", "y", "有", "有生意", "是"),
    "no_business": ("no_business", "no business", "no", "n", "无", "无生意", "没有", "否"),
}
_LEVEL = re.compile(r"^[lL]?([0-5])(?:\.0)?$")
_EMAIL = re.compile(r"^[^@\s,;]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _email(value: str) -> str | None:
    """A contact's email as calendar attendees are matched (lower case), or None if malformed."""
    text = value.strip().lower().removeprefix("mailto:")
    return text if _EMAIL.match(text) and len(text) <= 320 else None


def _domains(value: str) -> list[str] | None:
    """An account's email domains ("ricoh.com; @ricoh.co.jp"), or None if one is malformed."""
    found = []
    for part in re.split(r"[,;\s，；、]+", value.strip().lower()):
        part = part.removeprefix("@").removeprefix("https://").removeprefix("http://").removeprefix("www.")
        part = part.split("/", 1)[0]
        if not part:
            continue
        if not _DOMAIN.match(part) or len(part) > 253:
            return None
        if part not in found:
            found.append(part)
    return found


_SLACK_ID = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize(alias): key for key, aliases in table.items() for alias in aliases}


_ROLE_OF = _lookup(ROLES)
_BUSINESS_OF = _lookup(BUSINESS)


@dataclass(frozen=True)
class RowError:
    line: int
    key: str  # message key in bot/locales/deals.py
    values: dict[str, object] = field(default_factory=dict)


class ImportFailed(Exception):
    """The file was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(plural("en", len(errors), one="# problem", other="# problems"))
        self.errors = errors


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with."""
    if len(data) > MAX_BYTES:
        raise ImportFailed([RowError(0, "csv.err.too_big", {"limit": MAX_BYTES // (1024 * 1024)})])
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ImportFailed([RowError(0, "csv.err.encoding")]) from None


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


def read_rows(
    text: str, kind: str, columns: dict[str, tuple[str, ...]] | None = None, required: tuple[str, ...] = ()
) -> list[_Row]:
    """The data rows keyed by our column names; header problems raise `ImportFailed`.
    `columns`/`required` describe a kind of file defined elsewhere (bot/csv_io/leads.py)."""
    columns = columns or (ACCOUNT_COLUMNS if kind == "accounts" else CONTACT_COLUMNS)
    names = _lookup(columns)
    first_line = text.split("\n", 1)[0]
    delimiter = "," if "," in first_line else ("\t" if "\t" in first_line else (";" if ";" in first_line else ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed([RowError(1, "csv.err.empty")]) from None
    except csv.Error:
        raise ImportFailed([RowError(1, "csv.err.malformed")]) from None
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        key = names.get(normalize(title))
        if key and key not in mapping.values():
            mapping[index] = key
    missing = [c for c in (required or REQUIRED[kind]) if c not in mapping.values()]
    if missing:
        expected = " / ".join(f"{columns[c][0]} ({columns[c][-1]})" for c in missing)
        raise ImportFailed([RowError(1, "csv.err.missing_column", {"columns": expected})])
    rows: list[_Row] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise ImportFailed([RowError(start, "csv.err.malformed")]) from None
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFailed([RowError(start, "csv.err.too_many", {"limit": MAX_ROWS})])
        cells = {key: (values[i].strip() if i < len(values) else "") for i, key in mapping.items()}
        rows.append(_Row(start, cells))
    return rows


# Column widths of storage/models/accounts.py: longer cells are refused, never cut.
ACCOUNT_LIMITS = {"name": 200, "aliases": 2000, "industry": 120, "region": 120, "size": 40}
CONTACT_LIMITS = {"name": 200, "title": 120, "department": 120}


def _length_errors(row: _Row, limits: dict[str, int]) -> list[RowError]:
    return [
        RowError(row.line, "csv.err.too_long", {"column": column, "limit": limit})
        for column, limit in limits.items()
        if len(row.cells.get(column, "")) > limit
    ]


def _require_workspace(session: Session, team_id: str) -> None:
    if session.get(Workspace, team_id) is None:
        raise ImportFailed([RowError(0, "csv.err.no_workspace", {"team": team_id})])


class _Owners:
    """Owner cells → people: a Slack user id or mention (new ids become reps) or a known name."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.by_user: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for person_id, user_id, name in session.execute(
            select(Person.id, Person.slack_user_id, Person.name).where(Person.team_id == team_id)
        ):
            self.by_user[user_id] = person_id
            if name:
                self.by_name.setdefault(normalize(name), []).append(person_id)

    def check(self, value: str) -> tuple[str | None, str | None]:
        """(Slack user id or None, message key of the problem or None)."""
        if not value:
            return None, None
        if match := _SLACK_ID.match(value.strip()):
            return match[1], None
        found = self.by_name.get(normalize(value.lstrip("@")), [])
        if len(found) == 1:
            user = next(u for u, pid in self.by_user.items() if pid == found[0])
            return user, None
        return None, "csv.err.owner_ambiguous" if found else "csv.err.owner_unknown"


def _split_aliases(value: str) -> list[str]:
    return [a.strip() for a in re.split(r"[;；,，、|/]", value) if a.strip()]


T = TypeVar("T")
_PlannedAccount = tuple[_Row, str | None, Decimal | None, str | None]
_PlannedContact = tuple[_Row, int, str | None, int | None]


def _optional_cell(
    row: _Row, column: str, read: Callable[[str], T | None], error: str
) -> tuple[T | None, list[RowError]]:
    """A cell read by `read`; a cell present but unreadable is an error naming its value."""
    value = row.cells.get(column)
    if not value:
        return None, []
    parsed = read(value)
    return parsed, [] if parsed is not None else [RowError(row.line, error, {"value": value})]


def _check_account_row(
    row: _Row, owners: _Owners, seen: dict[str, int], domains: dict[str, tuple[str, int]]
) -> tuple[_PlannedAccount | None, list[RowError]]:
    """One account row's problems; `domains` collects each email domain's (account key, line)."""
    name = " ".join(row.cells.get("name", "").split())
    key = normalize(name)
    if not key:
        return None, [RowError(row.line, "csv.err.no_name")]
    too_long = _length_errors(row, ACCOUNT_LIMITS)
    if too_long:
        return None, too_long
    if key in seen:
        return None, [RowError(row.line, "csv.err.duplicate", {"name": name, "other": seen[key]})]
    seen[key] = row.line
    errors: list[RowError] = []
    owner, problem = owners.check(row.cells.get("owner", ""))
    if problem:
        errors.append(RowError(row.line, problem, {"value": row.cells.get("owner", "")}))

    def amount(value: str) -> Decimal | None:
        parsed = parse_amount(value, loose=True)
        return parsed[0] if parsed is not None else None

    potential, problems = _optional_cell(row, "potential", amount, "csv.err.amount")
    errors += problems
    business, problems = _optional_cell(row, "business", lambda v: _BUSINESS_OF.get(normalize(v)), "csv.err.business")
    errors += problems
    row_domains = _domains(row.cells.get("domains", ""))
    if row_domains is None:
        errors.append(RowError(row.line, "csv.err.domain", {"value": row.cells["domains"]}))
    for domain in row_domains or []:
        if domains.setdefault(domain, (key, row.line))[0] != key:
            errors.append(RowError(row.line, "csv.err.domain_taken", {"value": domain}))
    return (row, owner, potential, business), errors


def _apply_account_row(
    session: Session, team_id: str, planned: _PlannedAccount, existing: dict[str, Account], now: datetime
) -> bool:
    """Create or update one account; True if it was created."""
    row, owner, potential, business = planned
    name = " ".join(row.cells["name"].split())
    owner_id = ensure_person(session, team_id, owner, now).id if owner else None
    account = existing.get(normalize(name))
    created = account is None
    if account is None:
        account = new_account(session, team_id, name, owner_id, now)
    elif owner_id is not None and account.owner_id != owner_id:
        previous, account.owner_id = account.owner_id, owner_id
        if live_namesake(session, account) is None:
            account.assigned_at = now
        else:  # the new owner already has an account of that name: this one keeps its owner
            account.owner_id = previous
    for column in ("industry", "region", "size"):
        if row.cells.get(column):
            setattr(account, column, row.cells[column])
    if potential is not None:
        account.potential = potential
    if business is not None:
        account.business_status = business
    _add_aliases(session, account, _split_aliases(row.cells.get("aliases", "")))
    _add_domains(session, account, _domains(row.cells.get("domains", "")) or [])
    return created


def import_accounts(db: Database, team_id: str, data: bytes, now: datetime) -> ImportResult:
    """Create or update accounts from a CSV file, all or nothing."""
    text, encoding = decode(data)
    rows = read_rows(text, "accounts")
    with db.transaction() as session:
        _require_workspace(session, team_id)
        owners = _Owners(session, team_id)
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        planned: list[_PlannedAccount] = []
        domains: dict[str, tuple[str, int]] = {}  # domain → (account key, line)
        for row in rows:
            plan, problems = _check_account_row(row, owners, seen, domains)
            errors += problems
            if plan is not None:
                planned.append(plan)
        if domains:
            for domain, owner_key in session.execute(
                select(AccountDomain.domain, Account.name_norm)
                .join(Account, Account.id == AccountDomain.account_id)
                .where(AccountDomain.team_id == team_id, AccountDomain.domain.in_(sorted(domains)))
            ):
                if owner_key != domains[domain][0]:
                    errors.append(RowError(domains[domain][1], "csv.err.domain_taken", {"value": domain}))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.line))
        result = ImportResult("accounts", encoding=encoding)
        existing = {
            a.name_norm: a
            for a in session.scalars(
                select(Account).where(Account.team_id == team_id, Account.name_norm.in_(list(seen)))
            )
        }
        for plan in planned:
            if _apply_account_row(session, team_id, plan, existing, now):
                result.created += 1
            else:
                result.updated += 1
        return result


def _add_domains(session: Session, account: Account, domains: list[str]) -> None:
    """The account's email domains (calendar attendees at them are its people); never removed here."""
    have = set(session.scalars(select(AccountDomain.domain).where(AccountDomain.account_id == account.id)))
    for domain in domains:
        if domain not in have:
            session.add(AccountDomain(team_id=account.team_id, account_id=account.id, domain=domain))
            have.add(domain)
    session.flush()


def _add_aliases(session: Session, account: Account, aliases: list[str]) -> None:
    have = set(session.scalars(select(AccountAlias.alias_norm).where(AccountAlias.account_id == account.id)))
    have.add(account.name_norm)
    for alias in aliases:
        key = normalize(alias)
        if key and key not in have:
            session.add(AccountAlias(team_id=account.team_id, account_id=account.id, alias=alias[:200], alias_norm=key))
            have.add(key)
    session.flush()


def _find_account(session: Session, team_id: str, name: str) -> list[int]:
    key = normalize(name)
    ids = set(
        session.scalars(
            select(Account.id).where(
                Account.team_id == team_id, Account.name_norm == key, Account.archived_at.is_(None)
            )
        )
    )
    if not ids:
        ids = set(
            session.scalars(
                select(AccountAlias.account_id).where(AccountAlias.team_id == team_id, AccountAlias.alias_norm == key)
            )
        )
    return sorted(ids)


def _check_contact_row(
    session: Session, team_id: str, row: _Row, seen: dict[tuple[int, str], int]
) -> tuple[_PlannedContact | None, list[RowError]]:
    account_name, name = row.cells.get("account", ""), " ".join(row.cells.get("name", "").split())
    if not normalize(name):
        return None, [RowError(row.line, "csv.err.no_contact_name")]
    too_long = _length_errors(row, CONTACT_LIMITS)
    if too_long:
        return None, too_long
    accounts = _find_account(session, team_id, account_name) if normalize(account_name) else []
    if len(accounts) != 1:
        key = "csv.err.account_ambiguous" if accounts else "csv.err.account_unknown"
        return None, [RowError(row.line, key, {"value": account_name})]
    pair = (accounts[0], normalize(name))
    if pair in seen:
        return None, [RowError(row.line, "csv.err.duplicate", {"name": name, "other": seen[pair]})]
    seen[pair] = row.line
    errors: list[RowError] = []
    role, problems = _optional_cell(row, "role", lambda v: _ROLE_OF.get(normalize(v)), "csv.err.role")
    errors += problems

    def level_of(value: str) -> int | None:
        match = _LEVEL.match(value.strip())
        return int(match[1]) if match else None

    level, problems = _optional_cell(row, "level", level_of, "csv.err.level")
    errors += problems
    if row.cells.get("email") and _email(row.cells["email"]) is None:
        errors.append(RowError(row.line, "csv.err.email", {"value": row.cells["email"]}))
    return (row, accounts[0], role, level), errors


def _apply_contact_row(session: Session, team_id: str, planned: _PlannedContact, now: datetime) -> bool:
    """Create or update one contact; True if it was created."""
    row, account_id, role, level = planned
    name = " ".join(row.cells["name"].split())
    contact = session.scalar(
        select(Contact).where(
            Contact.team_id == team_id, Contact.account_id == account_id, Contact.name_norm == normalize(name)
        )
    )
    created = contact is None
    if contact is None:
        contact = Contact(
            team_id=team_id,
            account_id=account_id,
            name=name,
            name_norm=normalize(name),
            relationship_level=0,
            decay_notified_days=0,
            created_at=now,
        )
        session.add(contact)
    for column in ("title", "department", "notes"):
        if row.cells.get(column):
            setattr(contact, column, row.cells[column])
    if role is not None:
        contact.buying_role = role
    if level is not None:
        contact.relationship_level = level
    if row.cells.get("email"):
        contact.email = _email(row.cells["email"])
    return created


def import_contacts(db: Database, team_id: str, data: bytes, now: datetime) -> ImportResult:
    """Create or update contacts of existing accounts from a CSV file, all or nothing."""
    text, encoding = decode(data)
    rows = read_rows(text, "contacts")
    with db.transaction() as session:
        _require_workspace(session, team_id)
        errors: list[RowError] = []
        planned: list[_PlannedContact] = []
        seen: dict[tuple[int, str], int] = {}
        for row in rows:
            plan, problems = _check_contact_row(session, team_id, row, seen)
            errors += problems
            if plan is not None:
                planned.append(plan)
        if errors:
            raise ImportFailed(errors)
        result = ImportResult("contacts", encoding=encoding)
        for plan in planned:
            if _apply_contact_row(session, team_id, plan, now):
                result.created += 1
            else:
                result.updated += 1
        session.flush()
        return result


def import_file(db: Database, team_id: str, kind: str, data: bytes, now: datetime) -> ImportResult:
    if kind == "accounts":
        return import_accounts(db, team_id, data, now)
    if kind == "contacts":
        return import_contacts(db, team_id, data, now)
    raise ValueError(kind)

"""`pipeline-coach import leads FILE --team T…`: a trade-show list or a marketing export.

Same rules as the other imports (bot/csv_io/importer.py): UTF-8 or GB18030, English or Chinese
headers in any order, every row checked first and the whole file refused with each problem and
its line when any row is bad. Each row becomes a lead exactly as `POST /leads` would make it
(bot/leads/ops.py): an existing company gets the lead attached and goes to its owner, a new one
is routed by the workspace's rule (bot/leads/routing.py), else to the first admin. A row with
an `external id` is stored once however often the file is imported again.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.text import normalize
from bot.csv_io.importer import ImportFailed, ImportResult, RowError, _length_errors, _require_workspace, decode
from bot.csv_io.importer import read_rows as _read_rows
from bot.leads.inbound import _default_assignee
from bot.leads.ops import LeadFields, create_lead
from bot.leads.routing import route
from storage.db import Database

LEAD_COLUMNS: dict[str, tuple[str, ...]] = {
    "company": ("company", "account", "customer", "company name", "公司", "公司名称", "客户", "客户名称"),
    "name": ("name", "contact", "person", "contact name", "联系人", "姓名", "名字"),
    "phone": ("phone", "mobile", "tel", "telephone", "电话", "手机", "联系电话"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件"),
    "source": ("source", "lead source", "channel", "来源", "线索来源", "渠道"),
    "note": ("note", "notes", "comment", "备注", "说明"),
    "external_id": ("external id", "external_id", "id", "lead id", "编号", "线索编号"),
}
REQUIRED = ("company", "name")
LIMITS = {"company": 200, "name": 200, "phone": 40, "email": 254, "source": 80, "external_id": 120}


def import_leads(db: Database, team_id: str, data: bytes, now: datetime) -> ImportResult:
    """Create leads from a CSV file, all or nothing (`created`: new leads; `updated`: rows whose
    external id was imported before, left as they were)."""
    text, encoding = decode(data)
    rows = _read_rows(text, "leads", LEAD_COLUMNS, REQUIRED)
    errors: list[RowError] = []
    planned: list[tuple[LeadFields, str | None]] = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = row.cells
        company, name = " ".join(cells.get("company", "").split()), " ".join(cells.get("name", "").split())
        if not normalize(company):
            errors.append(RowError(row.line, "csv.err.no_name"))
            continue
        if not normalize(name):
            errors.append(RowError(row.line, "csv.err.no_contact_name"))
            continue
        too_long = _length_errors(row, LIMITS)
        if too_long:
            errors += too_long
            continue
        external = cells.get("external_id") or None
        if external and external in seen:
            errors.append(RowError(row.line, "csv.err.duplicate", {"name": external, "other": seen[external]}))
            continue
        if external:
            seen[external] = row.line
        fields = LeadFields(
            company, name, cells.get("phone"), cells.get("email"), cells.get("source"), cells.get("note")
        )
        planned.append((fields, external))
    if errors:
        raise ImportFailed(errors)
    result = ImportResult("leads", encoding=encoding)
    with db.transaction() as session:
        _require_workspace(session, team_id)
        fallback = _default_assignee(session, team_id, None)
        for fields, external in planned:
            outcome = create_lead(
                session,
                team_id,
                fields,
                fallback,
                now,
                created_by_id=None,
                channel="csv",
                request_key=f"csv:{external}" if external else None,
                router=lambda f: route(session, team_id, f, now),
            )
            if outcome.duplicate:
                result.updated += 1
            else:
                result.created += 1
    return result

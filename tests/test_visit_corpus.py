"""The public corpus of one-line visits (tests/corpus/visit_lines.yaml), read as a person reads them.

Each line was written for this corpus, in the way reps type (English and Chinese, names anywhere,
channel words inside names, several contacts, relative dates, typos), with what it must give:
the account, the contacts, the channel, the visit's day, the next step and its due day, or the
question that must be asked instead (`o`: ask_account, ask_contact, create, refuse). The
workspace is what a CSV import gives: accounts with aliases and contacts with levels, some
owned by a colleague. Lines are read with `ops.read_line` (nothing stored), at a fixed "now".

The test prints per-field accuracy and fails below 97 % of lines fully right. The first 304
lines were written before the parser changes of issue 15 and the parser was then worked on
against them; the last 40 (20 + 20) were written afterwards and added untouched: on their
first run 39 of 40 were fully right (the miss, "lunch w Lena Fischer, budget talk", reads
"budget talk" as a second person met), and that line is left as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.accounts.create import create_account
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.text import normalize
from bot.people.members import actor_for, ensure_person, ensure_workspace, update_profile
from bot.records.accounts import add_alias
from bot.visits import ops
from bot.visits.ops import contact_named
from storage.db import Database
from storage.models import Account, Contact, Person
from tests.conftest import TEAM

CORPUS = Path(__file__).parent / "corpus" / "visit_lines.yaml"
TZ = "Asia/Shanghai"
NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)  # Wednesday 10 June 2026, 10:00 in Shanghai
FIELDS = ("outcome", "account", "contacts", "channel", "date", "next", "due")
THRESHOLD = 0.97

# The workspace, as a CSV import of accounts and contacts gives it: (name, aliases, owner,
# [(contact, level)]); owner "me", "alice" (a colleague) or None (unassigned).
WORLD: list[tuple[str, tuple[str, ...], str | None, list[tuple[str, int]]]] = [
    ("Fourth Coffee", (), "me", [("Dan Park", 2), ("Maria Gomez", 1)]),
    ("Golf Bros", ("GolfBros",), "me", [("Tom Reed", 3), ("Sam Lee", 1)]),
    ("Phone House", (), "me", [("Jack Wilson", 2), ("Priya Nair", 0)]),
    ("Wide World", ("Wide World Importers", "WWI"), "me", [("Olivia Hart", 3), ("Ben Stone", 1)]),
    ("Contoso", ("Contoso Ltd",), "me", [("Raj Kumar", 2), ("Lena Fischer", 4)]),
    ("Lunch Box", (), "me", [("Amy Cole", 1)]),
    ("Meeting Point Hotels", ("MPH",), "me", [("Carlos Ruiz", 2)]),
    ("O'Brien & Sons", (), "me", [("Sean O'Brien", 2)]),
    ("Northwind Traders", ("Northwind",), "me", [("Anna Berg", 1), ("Mark Chen", 2)]),
    ("Tailspin Toys", (), None, [("Kate Moss", 0)]),
    ("Ricoh China", (), "me", [("Li Wei", 1)]),
    ("Ricoh Japan", (), "me", [("Sato Ken", 1)]),
    ("Adventure Works", ("AdvWorks",), "alice", [("Ken Adams", 2)]),
    ("Fabrikam", (), "alice", [("Nina Ross", 1)]),
    ("中国平安", ("平安保险",), "me", [("刘洋", 2), ("陈静", 1)]),
    ("理光", ("理光中国",), "me", [("王军", 3), ("周涛", 1)]),
    ("上海电气", (), "me", [("张伟", 2), ("李娜", 1)]),
    ("华为", (), "alice", [("赵磊", 2)]),
    ("腾讯", ("腾讯科技",), "me", [("马明", 1), ("孙丽", 2)]),
    ("喝茶工坊", (), "me", [("何静", 1)]),
    ("电话之家", (), "me", [("郭强", 2)]),
    ("万科", (), "me", [("王芳", 1), ("王刚", 2)]),
    ("招商银行", ("招行",), "me", [("黄磊", 2)]),
    ("美的集团", ("美的",), None, [("吴刚", 1)]),
]


def build_world(db: Database) -> Actor:
    """The workspace of WORLD, made as the app makes it, a month before NOW: the founder installs
    the app (so is its admin) and "me" (U1) and "alice" (U2) join as reps; each account is
    created (`create_account`) with its aliases (`add_alias`), each contact as a visit first
    names them (`contact_named`). Returns "me"."""
    joined = NOW - timedelta(days=30)
    with db.transaction() as session:
        ensure_workspace(session, TEAM, joined)
        founder = ensure_person(session, TEAM, "UFOUNDER", joined)
        update_profile(founder, name="Founder", tz=TZ, locale="en-US", now=joined)
        people: dict[str, Person] = {}
        for key, user in (("me", "U1"), ("alice", "U2")):
            people[key] = ensure_person(session, TEAM, user, joined)
            update_profile(people[key], name=key.title(), tz=TZ, locale="en-US", now=joined)
        for name, aliases, owner, contacts in WORLD:
            account = create_account(session, TEAM, name, people[owner].id if owner else None, joined)
            for alias in aliases:
                add_alias(session, account, alias)
            for contact_name, level in contacts:
                contact, _ = contact_named(session, account, contact_name, joined)
                # Direct: the level the imported book gives them (the import has no session-level form).
                contact.relationship_level = level
        session.flush()
        me = people["me"]
        assert me.role == "rep"
        return actor_for(me)


def _day(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(zone(TZ)).date().isoformat()[5:]


def read(db: Database, actor: Actor, line: str) -> dict[str, Any]:
    """What the app would do with `line`, in the corpus's terms (nothing is stored)."""
    with db.transaction() as session:
        out = ops.read_line(session, actor, line, now=NOW)
        got: dict[str, Any] = {}
        if isinstance(out, ops.Blocked):
            got["outcome"] = "refuse:" + out.parsed.blocking[0].key
        elif isinstance(out, ops.AskAccount):
            got["outcome"] = "ask_account"
            got["account"] = sorted(c.name for c in out.candidates)
        elif isinstance(out, ops.OfferCreate):
            got["outcome"] = "create"
            got["account"] = out.name
        elif isinstance(out, ops.AskContact):
            got["outcome"] = "ask_contact"
            got["account"] = out.account_name
            got["contacts"] = sorted(c.name for c in out.candidates)
        else:
            _parsed, inp = out
            got["outcome"] = "log"
            account = session.get(Account, inp.account_id) if inp.account_id else None
            got["account"] = account.name if account else inp.new_account_name
            names = []
            for ci in inp.contacts:
                row = session.get(Contact, ci.contact_id) if ci.contact_id else None
                names.append(row.name if row else ci.name)
            got["contacts"] = sorted(names)
            got["channel"] = inp.channel
            got["date"] = _day(inp.occurred_at) or _day(NOW)
            got["next"] = inp.next_step if inp.next_due or inp.next_step else None
            got["due"] = _day(inp.next_due)
        session.rollback()
        return got


def expected(case: dict[str, Any]) -> dict[str, Any]:
    outcome = case.get("o", "log")
    want: dict[str, Any] = {"outcome": outcome}
    if outcome.startswith("refuse"):
        return want
    if outcome == "ask_account":
        want["account"] = sorted(case["a"])
        return want
    want["account"] = case["a"]
    if outcome == "create":
        return want
    if outcome == "ask_contact":
        want["contacts"] = sorted(case["c"])
        return want
    want["contacts"] = sorted(case.get("c") or [])
    want["channel"] = case["ch"]
    want["date"] = str(case.get("d", "06-10"))
    want["next"] = case.get("n")
    want["due"] = str(case["due"]) if case.get("due") else None
    return want


def same(field: str, want: Any, got: Any) -> bool:
    if field == "next":
        return (normalize(want) if want else None) == (normalize(got) if got else None)
    return want == got


def test_the_corpus_is_read_as_a_person_reads_it(db: Database) -> None:
    cases = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert len(cases) >= 300
    zh = sum(1 for c in cases if any("\u4e00" <= ch <= "\u9fff" for ch in c["l"]))
    assert abs(zh - (len(cases) - zh)) <= len(cases) // 10, (zh, len(cases))
    actor = build_world(db)
    right = 0
    field_right = dict.fromkeys(FIELDS, 0)
    field_total = dict.fromkeys(FIELDS, 0)
    wrong: list[str] = []
    for case in cases:
        want = expected(case)
        got = read(db, actor, case["l"])
        ok = True
        for field, value in want.items():
            field_total[field] += 1
            if same(field, value, got.get(field)):
                field_right[field] += 1
            else:
                ok = False
        if ok:
            right += 1
        else:
            diff = {f: (want[f], got.get(f)) for f in want if not same(f, want[f], got.get(f))}
            wrong.append(f"  {case['l']!r}: {diff}")
    share = right / len(cases)
    print(f"\nvisit corpus on {db.dialect}: {right}/{len(cases)} lines fully right ({share:.1%})")
    for field in FIELDS:
        print(f"  {field:<9} {field_right[field]}/{field_total[field]} ({field_right[field] / field_total[field]:.1%})")
    if wrong:
        print("lines not fully right:\n" + "\n".join(wrong))
    assert share >= THRESHOLD, "\n".join(wrong)

"""A small sales team for the deal, stage, handover and CSV tests.

UADMIN (admin, first user), UMGR (manager of UREP), UREP (rep, English), UZH (rep, Chinese,
no manager). Accounts: Ricoh (alias 理光) owned by UREP, Canon (alias 佳能) owned by UZH.
Everything else is done the way users do it: signed requests through the fake Slack.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.accounts.create import create_account
from bot.core.settings import Settings
from bot.people.members import load_actor
from bot.people.teams import do_set_up_team
from bot.records.accounts import do_account_command, parse_account_command
from dev.driver import Driver
from runtime.cli import build_parser
from storage.db import Database
from storage.models import Deal, Person, StageChange
from tests.conftest import START

ADMIN, MGR, REP, ZH = "UADMIN", "UMGR", "UREP", "UZH"


def build_team(driver: Driver, db: Database) -> dict[str, int]:
    fake = driver.fake
    fake.add_user(ADMIN, "Ada", tz="Asia/Shanghai")
    fake.add_user(MGR, "Mia", tz="Asia/Shanghai")
    fake.add_user(REP, "Ren", tz="Asia/Shanghai")
    fake.add_user(ZH, "张伟", tz="Asia/Shanghai", locale="zh-CN")
    for user in (ADMIN, MGR, REP, ZH):
        driver.command(user, "/deal", "help")
    admin, _ = load_actor(db, driver.team_id, ADMIN, START)
    # `/coach team @Mia @Ren`: Mia becomes a manager and Ren reports to her.
    do_set_up_team(db, admin, MGR, [REP], START)
    with db.transaction() as session:
        ids = {p.slack_user_id: p.id for p in session.scalars(select(Person))}
        for name, owner in (("Ricoh", REP), ("Canon", ZH)):
            account = create_account(session, driver.team_id, name, ids[owner], START)
            # No operation sets the status but the CSV import; these accounts already buy from us.
            account.business_status = "has_business"
            ids[name] = account.id
    for name, alias in (("Ricoh", "理光"), ("Canon", "佳能")):
        do_account_command(db, admin, parse_account_command(f"{name} alias add {alias}"), START)
    driver.fake.reset()
    return ids


def deal_by_title(db: Database, title: str) -> Deal:
    with db.transaction() as session:
        return session.scalars(select(Deal).where(Deal.title == title)).one()


def history(db: Database, deal_id: int) -> list[tuple[str | None, str, bool]]:
    with db.transaction() as session:
        rows = session.scalars(
            select(StageChange).where(StageChange.deal_id == deal_id).order_by(StageChange.changed_at, StageChange.id)
        )
        return [(r.from_stage, r.to_stage, r.override) for r in rows]


def forged(action_id: str, value: dict[str, Any] | str) -> dict[str, Any]:
    """A message holding one button, as an attacker would craft it."""
    raw = value if isinstance(value, str) else json.dumps(value)
    return {
        "blocks": [{"type": "actions", "elements": [{"type": "button", "action_id": action_id, "value": raw}]}],
        "ephemeral": True,
    }


def all_calls_ok(driver: Driver) -> None:
    """Every Web API call and response_url post the app made was accepted (valid Block Kit)."""
    bad = [(c.method, c.response) for c in driver.fake.calls if c.status == 200 and not c.response.get("ok")]
    assert bad == []


def cli(argv: list[str], settings: Settings) -> int:
    """`pipeline-coach …` in this process (without `main`, which would reset logging)."""
    args = build_parser().parse_args(argv)
    return int(args.func(args, settings))

"""Realistic one-line `/visit` commands for the HTTP benchmarks, from the generated data.

Each line names an account the rep really owns (by its name or an alias), a contact who works
there (full name, or "张总" style for Chinese names), a channel, a purpose and often a next step
with a due time, in the rep's own language: what reps type all day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from bench import vocab
from bench.harness import CommandSpec
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Person

TEMPLATES_EN = [
    "{account} with {contact} in person: {purpose}; next: {step} by Friday",
    "{account} call with {contact}, {purpose}, next: {step} tomorrow 10am",
    "{account} {contact} WeChat {purpose}",
    "{account} with {contact} dinner level 3; next: {step} next Wednesday",
    "yesterday {account} with {contact} in person {purpose}",
    "{account} email to {contact}: {purpose}",
]
TEMPLATES_ZH = [
    "{account} {contact} 面谈 {purpose} 下一步: 下周三前{step}",
    "{account} 电话 {contact} {purpose} 明天上午10点回电",
    "{account} 见了{contact} {purpose} 关系3",
    "昨天 {account} {contact} 拜访 {purpose}",
    "{account} {contact} 微信 {purpose} 下一步: 周五前{step}",
    "{account} 和{contact}饭局 {purpose}",
]


@dataclass
class VisitWorkload:
    commands: list[CommandSpec]
    users: list[dict[str, str]]  # for the fake Slack's users.info


def _contact_label(name: str, rng: random.Random) -> str:
    if not name.isascii() and len(name) >= 2 and rng.random() < 0.3:
        return name[0] + "总"
    return name


def visit_workload(
    database_url: str, team_id: str, *, reps: int = 200, lines: int = 2000, seed: int = 3
) -> VisitWorkload:
    """`lines` /visit commands spread over `reps` randomly chosen active reps of `team_id`."""
    rng = random.Random(seed)
    db = Database(database_url)
    try:
        with db.transaction() as session:
            people = session.execute(
                select(Person.id, Person.slack_user_id, Person.name, Person.tz, Person.locale).where(
                    Person.team_id == team_id, Person.role == "rep", Person.is_active.is_(True)
                )
            ).all()
            if not people:
                raise RuntimeError(
                    f"no reps in workspace {team_id}: generate the data set first (python -m bench.generate)"
                )
            chosen = rng.sample(people, min(reps, len(people)))
            by_id = {p.id: p for p in chosen}
            accounts = session.execute(
                select(Account.id, Account.name, Account.owner_id).where(
                    Account.team_id == team_id, Account.owner_id.in_(list(by_id)), Account.archived_at.is_(None)
                )
            ).all()
            account_ids = [a.id for a in accounts]
            aliases: dict[int, str] = {}
            contacts: dict[int, list[str]] = {}
            for lo in range(0, len(account_ids), 5000):
                part = account_ids[lo : lo + 5000]
                for account_id, alias in session.execute(
                    select(AccountAlias.account_id, AccountAlias.alias).where(AccountAlias.account_id.in_(part))
                ):
                    aliases.setdefault(account_id, alias)
                for account_id, name in session.execute(
                    select(Contact.account_id, Contact.name).where(Contact.account_id.in_(part))
                ):
                    contacts.setdefault(account_id, []).append(name)
    finally:
        db.dispose()
    owned: dict[int, list] = {}
    for account in accounts:
        if account.id in contacts:
            owned.setdefault(account.owner_id, []).append(account)
    reps_with_accounts = [p for p in chosen if p.id in owned]
    commands: list[CommandSpec] = []
    for _ in range(lines):
        person = rng.choice(reps_with_accounts)
        account = rng.choice(owned[person.id])
        zh = (person.locale or "").startswith("zh")
        label = aliases.get(account.id) if rng.random() < 0.5 and account.id in aliases else account.name
        text = rng.choice(TEMPLATES_ZH if zh else TEMPLATES_EN).format(
            account=label,
            contact=_contact_label(rng.choice(contacts[account.id]), rng),
            purpose=rng.choice(vocab.PURPOSES_ZH if zh else vocab.PURPOSES_EN),
            step=rng.choice(vocab.NEXT_STEPS_ZH if zh else vocab.NEXT_STEPS_EN),
        )
        commands.append(CommandSpec(person.slack_user_id, "/visit", text))
    users = [
        {"id": p.slack_user_id, "name": p.name, "tz": p.tz, "locale": p.locale or "en-US"} for p in reps_with_accounts
    ]
    return VisitWorkload(commands, users)

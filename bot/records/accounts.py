"""`/account NAME` (客户): an account's card (aliases, owner, tier, business status, open deals,
last visits) and its corrections, each kept in the audit trail:

  `/account NAME rename "NEW"`  · the old name stays as an alias (改名)
  `/account NAME alias add|remove X`  (别名 添加|删除)
  `/account NAME archive` / `restore`  (归档 / 恢复)
  `/account NAME merge into OTHER`  · visits, contacts, deals and follow-ups move; aliases kept (合并到)
  `/account NAME owner @rep`  · managers (负责人)
  `/account NAME lead [CONTACT] [@rep]`  · a lead on this very account, to its owner unless a
      manager names someone (线索); the "Mark as lead" button does the same
  `/account NAME history`  · its audit trail (历史), for whoever may see the account

The account's owner may correct it, and so may their manager (or an admin); unowned accounts
only managers. Accounts are found among those the actor may see, archived ones included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.accounts.create import live_namesake
from bot.core.access import (
    AccessError,
    NotAllowed,
    access_account,
    access_person_by_slack_id,
    require_manager,
    team_person_ids,
)
from bot.core.actor import Actor
from bot.core.audit import record_change
from bot.core.i18n import Lang, t
from bot.core.text import mentioned_users, normalize
from bot.leads.ops import LeadFields, create_lead
from bot.records.trail import SHOW_ACTION as HISTORY_ACTION
from bot.records.trail import trail_page
from bot.ui import blocks as bk
from bot.ui.reply import Reply, echo_reply
from bot.visits.ops import load_view
from bot.visits.render import list_line
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Deal, FollowUp, Lead, Person, Visit
from storage.queries.sql import rows_affected

LEAD_ACTION = "account_mark_lead"

MAX_NAME = 200
RECENT = 5
_VERBS = {
    "rename": "rename",
    "改名": "rename",
    "alias": "alias",
    "别名": "alias",
    "archive": "archive",
    "归档": "archive",
    "restore": "restore",
    "恢复": "restore",
    "merge": "merge",
    "合并": "merge",
    "合并到": "merge",
    "owner": "owner",
    "负责人": "owner",
    "lead": "lead",
    "线索": "lead",
    "标记为线索": "lead",
    "history": "history",
    "历史": "history",
    "修改记录": "history",
}
_COMMAND = re.compile(
    r"^(?P<ref>.+?)\s+(?P<verb>"
    + "|".join(sorted(map(re.escape, _VERBS), key=len, reverse=True))
    + r")(?:\s+(?P<rest>.*))?$",
    re.I,
)
_QUOTED = re.compile(r"^[\"“”'‘’](.+?)[\"“”'‘’]?$")


class AccountError(AccessError):
    def __init__(self, message_key: str, **values: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.values = values


@dataclass(frozen=True)
class AccountCommand:
    ref: str
    verb: str | None = None
    rest: str = ""


def parse_account_command(text: str) -> AccountCommand:
    text = " ".join((text or "").split())
    found = _COMMAND.match(text)
    if not found:
        return AccountCommand(ref=text)
    return AccountCommand(
        ref=found["ref"].strip(), verb=_VERBS[found["verb"].lower()], rest=(found["rest"] or "").strip()
    )


def _unquote(text: str) -> str:
    quoted = _QUOTED.match(text.strip())
    return " ".join((quoted.group(1) if quoted else text).split())[:MAX_NAME]


def find_visible(session: Session, actor: Actor, text: str) -> list[Account]:
    """Accounts (archived too) whose name or an alias contains `text`, exact names first."""
    key = normalize(text)
    if not key:
        return []
    visible = team_person_ids(session, actor)
    aliases = select(AccountAlias.account_id).where(
        AccountAlias.team_id == actor.team_id, AccountAlias.alias_norm.like(f"%{key}%")
    )
    query = (
        select(Account)
        .where(Account.team_id == actor.team_id, or_(Account.name_norm.like(f"%{key}%"), Account.id.in_(aliases)))
        .order_by(Account.name_norm != key, Account.archived_at.is_not(None), Account.name, Account.id)
        .limit(11)
    )
    if visible is not None:
        query = query.where(or_(Account.owner_id.is_(None), Account.owner_id.in_(sorted(visible))))
    found = list(session.scalars(query))
    exact = [a for a in found if a.name_norm == key] or [
        a
        for a in found
        if session.scalar(
            select(AccountAlias.id).where(AccountAlias.account_id == a.id, AccountAlias.alias_norm == key)
        )
    ]
    return exact[:1] if len(exact) == 1 else found


def _one(session: Session, actor: Actor, text: str) -> Account:
    found = find_visible(session, actor, text)
    if not found:
        raise AccountError("account.none_found", name=text)
    if len(found) > 1:
        raise AccountError("account.several", name=text, names=", ".join(a.name for a in found[:10]))
    return found[0]


def _may_change(session: Session, actor: Actor, account: Account) -> None:
    """The owner, the owner's manager, an admin; unowned accounts: managers."""
    access_account(session, actor, account.id)
    if actor.is_admin or account.owner_id == actor.person_id:
        return
    if actor.is_manager and account.owner_id != actor.person_id:
        return  # access_account proved the owner is in their team (or the account is unowned)
    raise NotAllowed()


def _fields(session: Session, account: Account) -> dict[str, object]:
    aliases = sorted(session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id == account.id)))
    return {
        "name": account.name,
        "aliases": aliases,
        "owner_id": account.owner_id,
        "archived": account.archived_at.isoformat() if account.archived_at else None,
    }


def add_alias(session: Session, account: Account, alias: str) -> bool:
    """Another name `account` is found by (`/account X alias add Y`, a rename, a merge);
    False when it adds nothing (empty, the name itself, or already there)."""
    key = normalize(alias)
    if not key or key == account.name_norm:
        return False
    if session.scalar(
        select(AccountAlias.id).where(AccountAlias.account_id == account.id, AccountAlias.alias_norm == key)
    ):
        return False
    session.add(AccountAlias(team_id=account.team_id, account_id=account.id, alias=alias[:MAX_NAME], alias_norm=key))
    return True


def do_account_command(
    db: Database, actor: Actor, command: AccountCommand, now: datetime, *, account_id: object = None
) -> str:
    """Carry out a correction; returns the message to show (in the actor's language).
    `account_id`: a button's account (fetched through `access_account`) instead of `command.ref`."""
    lang = actor.lang
    with db.transaction() as session:
        account = (
            access_account(session, actor, account_id) if account_id is not None else _one(session, actor, command.ref)
        )
        _may_change(session, actor, account)
        before = _fields(session, account)
        verb, rest = command.verb, command.rest
        if verb == "rename":
            name = _unquote(rest)
            if not normalize(name):
                raise AccountError("account.usage")
            old = account.name
            account.name, account.name_norm = name, normalize(name)
            _name_free(session, account)
            session.execute(
                delete(AccountAlias)
                .execution_options(synchronize_session=False)
                .where(AccountAlias.account_id == account.id, AccountAlias.alias_norm == account.name_norm)
            )
            add_alias(session, account, old)
            message = t(lang, "account.renamed", old=bk.escape(old), name=bk.escape(name))
        elif verb == "alias":
            action, _, alias = rest.partition(" ")
            alias = _unquote(alias)
            if action.lower() in ("add", "添加", "加") and alias:
                add_alias(session, account, alias)
                message = t(lang, "account.alias_added", alias=bk.escape(alias), name=bk.escape(account.name))
            elif action.lower() in ("remove", "delete", "删除", "去掉") and alias:
                session.execute(
                    delete(AccountAlias)
                    .execution_options(synchronize_session=False)
                    .where(AccountAlias.account_id == account.id, AccountAlias.alias_norm == normalize(alias))
                )
                message = t(lang, "account.alias_removed", alias=bk.escape(alias), name=bk.escape(account.name))
            else:
                raise AccountError("account.usage")
        elif verb == "archive":
            account.archived_at = account.archived_at or now
            message = t(lang, "account.archived", name=bk.escape(account.name))
        elif verb == "restore":
            account.archived_at = None
            message = t(lang, "account.restored", name=bk.escape(account.name))
        elif verb == "owner":
            require_manager(actor)
            users = mentioned_users(rest)
            if not users:
                raise AccountError("account.usage")
            person = access_person_by_slack_id(session, actor, users[0])
            account.owner_id, account.assigned_at = person.id, now
            message = t(lang, "account.owner_set", name=bk.escape(account.name), owner=bk.escape(person.name))
        elif verb == "lead":
            return _mark_lead(session, actor, account, rest, now)
        elif verb == "merge":
            target_text = _unquote(re.sub(r"^(?:into|to|到|进)\s*", "", rest, flags=re.I))
            target = _one(session, actor, target_text)
            if target.id == account.id:
                raise AccountError("account.merge_self")
            _may_change(session, actor, target)
            moved = _merge(session, account, target)
            record_change(session, actor, "account", target.id, "merge_in", {}, {"from": before, **moved}, now)
            record_change(session, actor, "account", account.id, "merged", before, None, now)
            session.delete(account)
            session.flush()
            source_name = bk.escape(str(before["name"]))
            return t(lang, "account.merged", source=source_name, target=bk.escape(target.name), **moved)
        else:
            raise AccountError("account.usage")
        _name_free(session, account)
        session.flush()
        record_change(session, actor, "account", account.id, "edit", before, _fields(session, account), now)
        return message


def _name_free(session: Session, account: Account) -> None:
    """A rename, restore or new owner must not give one owner two live accounts of one name:
    say so, and suggest merging instead."""
    if live_namesake(session, account) is not None:
        raise AccountError("account.name_taken", name=account.name)


def _mark_lead(session: Session, actor: Actor, account: Account, rest: str, now: datetime) -> str:
    """A lead attached to this account (never a new account): its contact is the one named, else
    the account's latest contact; assigned to the account's owner unless a manager names a rep."""
    lang = actor.lang
    if session.scalar(select(Lead.id).where(Lead.account_id == account.id, Lead.status == "open").limit(1)):
        raise AccountError("account.lead_already", name=account.name)
    users = mentioned_users(rest)
    given = None
    if users and users[0] != actor.user_id:
        require_manager(actor)
        given = access_person_by_slack_id(session, actor, users[0])
    elif users:
        given = session.get(Person, actor.person_id)
    person = _unquote(re.sub(r"<@[^>]+>", " ", rest))
    if not normalize(person):
        person = session.scalar(
            select(Contact.name).where(Contact.account_id == account.id).order_by(Contact.id.desc()).limit(1)
        ) or t(lang, "account.lead_contact")
    owner = session.get(Person, account.owner_id) if account.owner_id else None
    if not account.is_lead:
        account.is_lead, account.lead_received_at = True, account.lead_received_at or now
    outcome = create_lead(
        session,
        actor.team_id,
        LeadFields(account.name, person),
        given or owner or session.get(Person, actor.person_id),
        now,
        created_by_id=actor.person_id,
        channel="slash",
        account=account,
    )
    lead = session.get(Lead, outcome.lead_id)
    if given is not None and lead is not None:
        lead.assignee_id = given.id
    assignee = given or (session.get(Person, lead.assignee_id) if lead and lead.assignee_id else None)
    record_change(session, actor, "account", account.id, "edit", {"lead": None}, {"lead": person}, now)
    return t(
        lang,
        "account.lead_marked",
        name=bk.escape(account.name),
        owner=bk.escape(assignee.name) if assignee else t(lang, "contact.none"),
    )


def _merge(session: Session, source: Account, target: Account) -> dict[str, int]:
    """Move every row of `source` to `target`; its name and aliases become `target`'s aliases."""
    moved = {}
    for key, model in (("visits", Visit), ("contacts", Contact), ("deals", Deal), ("follow_ups", FollowUp)):
        result = session.execute(update(model).where(model.account_id == source.id).values(account_id=target.id))
        moved[key] = rows_affected(result)
    names = [source.name, *session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id == source.id))]
    session.execute(
        delete(AccountAlias).execution_options(synchronize_session=False).where(AccountAlias.account_id == source.id)
    )
    for name in names:
        add_alias(session, target, name)
    target.contact_count = (target.contact_count or 0) + (source.contact_count or 0)
    if source.is_lead and not target.first_contacted_at:
        target.first_contacted_at = source.first_contacted_at
    session.flush()
    return moved


# ----- the card --------------------------------------------------------------------------------
def account_card(session: Session, actor: Actor, account: Account) -> Reply:
    lang: Lang = actor.lang
    none = t(lang, "contact.none")
    owner = session.get(Person, account.owner_id) if account.owner_id else None
    aliases = sorted(session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id == account.id)))
    deals = session.scalars(
        select(Deal).where(Deal.account_id == account.id, Deal.status == "open").order_by(Deal.id)
    ).all()
    visits = session.scalars(
        select(Visit)
        .where(Visit.account_id == account.id)
        .order_by(Visit.occurred_at.desc(), Visit.id.desc())
        .limit(RECENT)
    ).all()
    status = t(lang, "account.lead") if account.is_lead else t(lang, f"account.status.{account.business_status}")
    if account.archived_at:
        status += " · " + t(lang, "account.is_archived")
    fields = [
        f"*{t(lang, 'account.aliases')}*\n{bk.escape(', '.join(aliases)) or none}",
        f"*{t(lang, 'account.owner')}*\n{bk.escape(owner.name) if owner else none}",
        f"*{t(lang, 'account.tier')}*\n{bk.escape(account.tier or none)}",
        f"*{t(lang, 'account.status')}*\n{status}",
    ]
    more = lambda n: t(lang, "common.more", count=n)  # noqa: E731
    blocks: list[bk.Block] = [bk.header(account.name), bk.section(fields=fields)]
    deal_lines = [f"• {bk.escape(d.title)} · {d.stage_key}" for d in deals]
    blocks += bk.pack_lines(deal_lines or [none], max_blocks=2, title=f"*{t(lang, 'account.deals')}*", more=more)
    visit_lines = [list_line(lang, load_view(session, v), actor.tz) for v in visits]
    blocks += bk.pack_lines(visit_lines or [none], max_blocks=2, title=f"*{t(lang, 'contact.recent')}*", more=more)
    blocks.append(
        bk.actions(
            bk.button(t(lang, "account.mark_lead"), LEAD_ACTION, str(account.id)),
            bk.button(t(lang, "trail.history"), HISTORY_ACTION, f"account:{account.id}"),
        )
    )
    blocks.append(bk.context(t(lang, "account.help")))
    return Reply(text=account.name, blocks=blocks)


def account_reply(db: Database, actor: Actor, text: str, now: datetime) -> Reply:
    """`/account …`: a card, or a correction's result; problems answered with the text echoed."""
    command = parse_account_command(text)
    if not command.ref or (command.verb is None and command.ref.lower() in ("help", "帮助", "?")):
        return echo_reply(actor.lang, "account.usage", None)
    try:
        if command.verb in (None, "history"):
            with db.transaction() as session:
                account = _one(session, actor, command.ref)
                if command.verb == "history":
                    return trail_page(session, actor, "account", account.id, 0)
                return account_card(session, actor, account)
        message = do_account_command(db, actor, command, now)
    except AccountError as exc:
        return echo_reply(actor.lang, exc.message_key, text, **{k: bk.escape(str(v)) for k, v in exc.values.items()})
    return Reply(message, [bk.section(message)])


def mark_lead_button(db: Database, actor: Actor, account_id: object, now: datetime) -> Reply:
    """The card's "Mark as lead": the same as `/account NAME lead` on that account."""
    try:
        message = do_account_command(db, actor, AccountCommand(ref="", verb="lead"), now, account_id=account_id)
    except AccountError as exc:
        return echo_reply(actor.lang, exc.message_key, None, **{k: bk.escape(str(v)) for k, v in exc.values.items()})
    return Reply(message, [bk.section(message)])

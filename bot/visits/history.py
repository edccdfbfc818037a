"""`/visit list [account|contact|@rep] [since DATE] [channel]`: a rep's visits (a manager's:
their team's), newest first, ten at a time with a "more" button, each with Edit and Delete.

The query is read from the rest of the line in either language ("since 2026-11-01", "自上周",
"11月1日以来"; a channel word; "@name"); whatever is left names an account or a contact.
The "more" button carries the query (and where the next page starts) as compact JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core.access import AccessError, NotFound, access_person_by_slack_id, team_person_ids
from bot.core.actor import Actor
from bot.core.audit import HISTORY_ACTION
from bot.core.clock import start_of_local_day, zone
from bot.core.i18n import Lang, format_day, t
from bot.core.text import normalize
from bot.ui import blocks as bk
from bot.ui.blockkit import MAX_BUTTON_VALUE
from bot.ui.reply import Reply
from bot.visits.dates import find_dates
from bot.visits.ops import VisitView, load_view
from bot.visits.parse import CHANNELS
from bot.visits.render import list_line
from storage.db import Database
from storage.models import Account, AccountAlias, Contact, Person, Visit, VisitContact

PAGE = 10
MORE_ACTION = "visit_list_more"
EDIT_ACTION = "visit_edit"
DELETE_ACTION = "visit_delete"
MAX_NAME = 100
_SINCE_BEFORE = re.compile(r"(?:\b(?:since|from|after)\b|自从|自|从)\s*$", re.I)
_SINCE_AFTER = re.compile(r"^\s*(?:以来|之后|以后|起)")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>|@(\S+)")
_CHANNEL_NAMES: dict[str, str] = {
    **{c: c for c in CHANNELS},
    "in person": "in_person",
    "in-person": "in_person",
    "meeting": "in_person",
    "visit": "in_person",
    "面谈": "in_person",
    "见面": "in_person",
    "电话": "phone",
    "call": "phone",
    "wechat": "im",
    "微信": "im",
    "邮件": "email",
    "mail": "email",
    "饭局": "informal",
    "非正式": "informal",
}


class HistoryError(AccessError):
    """A query that cannot be read: the message says why."""

    def __init__(self, message_key: str, **values: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.values = values


@dataclass(frozen=True)
class HistoryQuery:
    text: str = ""  # an account's or a contact's name (part of it)
    rep: str | None = None  # a Slack user id, or a name typed after "@"
    since: str | None = None  # ISO date (the rep's local day)
    channel: str | None = None
    offset: int = 0

    def encode(self) -> str | None:
        raw = json.dumps({k: v for k, v in asdict(self).items() if v}, ensure_ascii=False, separators=(",", ":"))
        return raw if len(raw) <= MAX_BUTTON_VALUE else None

    @classmethod
    def decode(cls, raw: str | None) -> HistoryQuery:
        try:
            data = json.loads(raw or "{}")
            return cls(
                text=str(data.get("text") or "")[:MAX_NAME],
                rep=str(data["rep"])[:80] if data.get("rep") else None,
                since=date.fromisoformat(str(data["since"])).isoformat() if data.get("since") else None,
                channel=data.get("channel") if data.get("channel") in CHANNELS else None,
                offset=max(0, int(data.get("offset") or 0)),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()


def parse_query(text: str, now: datetime, tz: str) -> HistoryQuery:
    """The filters in `text` (what follows `/visit list`)."""
    rest = text.strip()
    rep = None
    mention = _MENTION.search(rest)
    if mention:
        rep = mention.group(1) or mention.group(2)
        rest = (rest[: mention.start()] + " " + rest[mention.end() :]).strip()
    since = None
    for expr in find_dates(rest):
        before = _SINCE_BEFORE.search(rest[: expr.start])
        after = _SINCE_AFTER.match(rest[expr.end :])
        if not (before or after):
            continue
        day, _ = expr.resolve(now.astimezone(zone(tz)), "past")
        if day is None:
            continue
        since = day.isoformat()
        start = before.start() if before else expr.start
        end = expr.end + (after.end() if after else 0)
        rest = (rest[:start] + " " + rest[end:]).strip()
        break
    channel = None
    low = " ".join(rest.lower().split())
    for name in sorted(_CHANNEL_NAMES, key=len, reverse=True):
        pattern = rf"(?<![a-z]){re.escape(name)}(?![a-z])" if name.isascii() else re.escape(name)
        found = re.search(pattern, low)
        if found:
            channel = _CHANNEL_NAMES[name]
            low = (low[: found.start()] + " " + low[found.end() :]).strip()
            break
    name_text = " ".join(low.split()) if channel else " ".join(rest.split())
    return HistoryQuery(text=name_text[:MAX_NAME], rep=rep, since=since, channel=channel)


@dataclass
class HistoryPage:
    query: HistoryQuery
    visits: list[VisitView] = field(default_factory=list)
    reps: dict[int, str] = field(default_factory=dict)  # visit id → rep name, for others' visits
    total: int = 0
    rep_name: str | None = None


def _rep(session: Session, actor: Actor, rep: str) -> Person:
    """The rep a query names: a Slack id, or the one visible person whose name starts so."""
    if re.fullmatch(r"[UW][A-Z0-9]{2,}", rep):
        return access_person_by_slack_id(session, actor, rep)
    key = normalize(rep)
    visible = team_person_ids(session, actor)
    people = session.scalars(select(Person).where(Person.team_id == actor.team_id)).all()
    matches = [p for p in people if key and normalize(p.name).startswith(key)]
    exact = [p for p in matches if normalize(p.name) == key]
    chosen = exact if len(exact) == 1 else matches
    if len(chosen) != 1:
        raise HistoryError("visit.history.no_rep", name=rep)
    if visible is not None and chosen[0].id not in visible:
        raise HistoryError("visit.history.not_your_rep", name=rep)
    return chosen[0]


def list_history(db: Database, actor: Actor, query: HistoryQuery) -> HistoryPage:
    """One page of the visits `query` asks for, among those the actor may see."""
    with db.transaction() as session:
        conditions = [Visit.team_id == actor.team_id]
        rep_name = None
        if query.rep:
            try:
                person = _rep(session, actor, query.rep)
            except NotFound:
                raise HistoryError("visit.history.no_rep", name=query.rep) from None
            conditions.append(Visit.rep_id == person.id)
            rep_name = person.name
        else:
            visible = team_person_ids(session, actor)
            if visible is not None:
                conditions.append(Visit.rep_id.in_(sorted(visible)))
        key = normalize(query.text)
        if key:
            pattern = f"%{key}%"
            accounts = select(Account.id).where(Account.team_id == actor.team_id, Account.name_norm.like(pattern))
            aliases = select(AccountAlias.account_id).where(
                AccountAlias.team_id == actor.team_id, AccountAlias.alias_norm.like(pattern)
            )
            met = (
                select(VisitContact.visit_id)
                .join(Contact, Contact.id == VisitContact.contact_id)
                .where(Contact.team_id == actor.team_id, Contact.name_norm.like(pattern))
            )
            conditions.append(or_(Visit.account_id.in_(accounts), Visit.account_id.in_(aliases), Visit.id.in_(met)))
        if query.since:
            conditions.append(Visit.occurred_at >= start_of_local_day(date.fromisoformat(query.since), actor.tz))
        if query.channel:
            conditions.append(Visit.channel == query.channel)
        total = session.scalar(select(func.count()).select_from(Visit).where(*conditions)) or 0
        rows = session.scalars(
            select(Visit)
            .where(*conditions)
            .order_by(Visit.occurred_at.desc(), Visit.id.desc())
            .offset(query.offset)
            .limit(PAGE)
        ).all()
        others = {v.rep_id for v in rows if v.rep_id != actor.person_id}
        names: dict[int, str] = {}
        if others:
            for person_id, name in session.execute(select(Person.id, Person.name).where(Person.id.in_(sorted(others)))):
                names[person_id] = name
        return HistoryPage(
            query=query,
            visits=[load_view(session, v) for v in rows],
            reps={v.id: names[v.rep_id] for v in rows if v.rep_id in names},
            total=int(total),
            rep_name=rep_name,
        )


def _filters(lang: Lang, page: HistoryPage) -> str:
    q = page.query
    parts = []
    if q.text:
        parts.append(t(lang, "visit.history.filter_name", name=bk.escape(q.text)))
    if page.rep_name:
        parts.append(t(lang, "visit.history.filter_rep", name=bk.escape(page.rep_name)))
    if q.since:
        parts.append(t(lang, "visit.history.filter_since", day=format_day(lang, date.fromisoformat(q.since))))
    if q.channel:
        parts.append(t(lang, f"visit.channel.{q.channel}"))
    return " · ".join(parts)


def visit_blocks(lang: Lang, tz: str | None, page: HistoryPage) -> list[bk.Block]:
    """Each visit of a page with Edit, Delete (asks first) and History: the one rendering of a
    visit row, shared by `/visit list` and the App Home's "My visits"."""
    confirm = bk.confirm_dialog(
        t(lang, "visit.delete.confirm_title"),
        t(lang, "visit.delete.confirm_text"),
        t(lang, "visit.delete.confirm_yes"),
        t(lang, "common.cancel"),
    )
    blocks: list[bk.Block] = []
    for visit in page.visits:
        line = list_line(lang, visit, tz)
        if visit.id in page.reps:
            line += f" · _{bk.escape(page.reps[visit.id])}_"
        blocks.append(bk.section(line))
        blocks.append(
            bk.actions(
                bk.button(t(lang, "visit.history.edit"), EDIT_ACTION, str(visit.id)),
                bk.button(
                    t(lang, "visit.history.delete"), DELETE_ACTION, str(visit.id), style="danger", confirm=confirm
                ),
                bk.button(t(lang, "trail.history"), HISTORY_ACTION, f"visit:{visit.id}"),
                block_id=f"visit_{visit.id}",
            )
        )
    return blocks


def page_title(lang: Lang, page: HistoryPage) -> str:
    first, last = page.query.offset + 1, page.query.offset + len(page.visits)
    return (
        t(lang, "visit.history.title", first=first, last=last, total=page.total)
        if page.visits
        else t(lang, "visit.history.empty")
    )


def render_history(lang: Lang, tz: str | None, page: HistoryPage) -> Reply:
    """A page of visits: each with Edit and Delete (Delete asks first), then "more"."""
    last = page.query.offset + len(page.visits)
    title = page_title(lang, page)
    blocks: list[bk.Block] = [bk.section(f"*{title}*")]
    filters = _filters(lang, page)
    if filters:
        blocks.append(bk.context(filters))
    blocks += visit_blocks(lang, tz, page)
    remaining = page.total - last
    if page.visits and remaining > 0:
        value = HistoryQuery(**{**asdict(page.query), "offset": last}).encode()
        if value is not None:
            blocks.append(bk.actions(bk.button(t(lang, "visit.history.more", count=remaining), MORE_ACTION, value)))
        else:
            blocks.append(bk.context(t(lang, "common.more", count=remaining)))
    return Reply(text=title, blocks=blocks)

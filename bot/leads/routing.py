"""Who gets an inbound lead (`POST /leads`, CSV): the workspace's routing rule.

`/coach leads route` sets it (admins): `@rep` (one person), `round-robin @a @b @c` (in turn),
`region 华东=@a north=@b` (the first keyword found in the lead's company, source or note;
nobody matched: the first rep listed), or `off` (the admin who made the key). A rep on leave
today (in their time zone) or deactivated is skipped; when every routed rep is away, the lead
falls back to the key's admin. The round-robin position is kept in the workspace's config,
read with the row locked so two leads at once never go to the same turn.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.core.clock import zone
from bot.core.config import WorkspaceConfig
from bot.core.text import mentioned_users, normalize
from bot.leads.ops import LeadFields
from bot.people.notify import time_off_on
from storage.db import Database
from storage.models import Person, Workspace

MODES = {"round-robin": "round_robin", "轮流": "round_robin", "region": "region", "区域": "region"}
OFF_WORDS = ("off", "关闭", "creator")


class RouteUsage(ValueError):
    """The route text is not one of the forms `/coach leads route` understands."""


def _available(session: Session, team_id: str, user_id: str, now: datetime) -> Person | None:
    person = session.scalar(select(Person).where(Person.team_id == team_id, Person.slack_user_id == user_id))
    if person is None or not person.is_active:
        return None
    if time_off_on(session, person.id, now.astimezone(zone(person.tz)).date()) is not None:
        return None
    return person


def route(session: Session, team_id: str, fields: LeadFields, now: datetime) -> Person | None:
    """The routed assignee of a lead for a new company, or None (the caller's fallback)."""
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id).with_for_update())
    if workspace is None:
        return None
    config = WorkspaceConfig.load(workspace.config)
    rules = config.leads
    if rules.route_mode == "person" and rules.route_people:
        return _available(session, team_id, rules.route_people[0], now)
    if rules.route_mode == "region":
        text = normalize(" ".join(v for v in (fields.company, fields.source, fields.note) if v))
        for keyword, user in rules.route_regions.items():
            if normalize(keyword) and normalize(keyword) in text:
                found = _available(session, team_id, user, now)
                if found is not None:
                    return found
        return next((p for u in rules.route_people if (p := _available(session, team_id, u, now))), None)
    if rules.route_mode == "round_robin" and rules.route_people:
        people = rules.route_people
        for step in range(len(people)):
            index = (rules.route_next + step) % len(people)
            found = _available(session, team_id, people[index], now)
            if found is not None:
                rules.route_next = (index + 1) % len(people)
                workspace.config = config.dump()
                return found
    return None


def parse_route(text: str) -> tuple[str, list[str], dict[str, str]]:
    """(mode, people, regions) from `/coach leads route …`'s text; RouteUsage if unreadable."""
    words = text.split()
    if not words:
        raise RouteUsage(text)
    first = words[0].lower()
    if first in OFF_WORDS:
        return "creator", [], {}
    mode = MODES.get(first)
    if mode == "region":
        regions: dict[str, str] = {}
        for word in words[1:]:
            keyword, sep, who = word.partition("=")
            users = mentioned_users(who)
            if not sep or not keyword or len(users) != 1:
                raise RouteUsage(text)
            regions[keyword] = users[0]
        if not regions:
            raise RouteUsage(text)
        return "region", list(dict.fromkeys(regions.values())), regions
    people = mentioned_users(text)
    if mode == "round_robin" and people:
        return "round_robin", list(dict.fromkeys(people)), {}
    if mode is None and len(people) == 1 and len(words) == 1:
        return "person", people, {}
    raise RouteUsage(text)


def do_set_route(db: Database, actor: Actor, text: str) -> tuple[str, list[str], dict[str, str]]:
    """`/coach leads route …` (admins): every routed person must be someone in the workspace."""
    require_admin(actor)
    mode, people, regions = parse_route(text)
    with db.transaction() as session:
        known = set(
            session.scalars(select(Person.slack_user_id).where(Person.team_id == actor.team_id, Person.is_active))
        )
        if any(user not in known for user in people):
            raise RouteUsage(text)
        workspace = session.get(Workspace, actor.team_id)
        assert workspace is not None
        config = WorkspaceConfig.load(workspace.config)
        config.leads.route_mode, config.leads.route_people = mode, people
        config.leads.route_regions, config.leads.route_next = regions, 0
        workspace.config = config.dump()
    return mode, people, regions

"""Sales teams: who manages whom, and where each team's digests are posted.

A team is a manager plus the people whose `manager_id` is that manager (direct reports); the
`sales_teams` row holds its name, its digest channel and, optionally, the Slack user group that
defines its members. Admins set who manages whom (docs/method.md §1); a manager may point their own
team's digests at a channel. Everything here is plain data in, plain data out: the handler does
the Slack calls (usergroups.users.list, users.info) and passes the results in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import AccessError, require_admin, require_manager
from bot.core.actor import Actor
from bot.core.config import WorkspaceConfig
from bot.core.i18n import Lang, t
from bot.people.members import ensure_person
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from storage.db import Database, in_transaction
from storage.models import Person, SalesTeam


class ManagesSelf(AccessError):
    """Someone was asked to manage themselves, or a report of their own (a loop)."""

    message_key = "teams.loop"


class NoTeam(AccessError):
    message_key = "teams.no_team"


@dataclass(frozen=True)
class Member:
    person_id: int
    user_id: str
    name: str
    role: str


@dataclass(frozen=True)
class TeamInfo:
    """A team as the admin commands and the digests see it."""

    id: int
    team_id: str
    name: str
    manager_id: int
    manager_user_id: str
    manager_name: str
    manager_role: str
    manager_tz: str
    manager_lang: str | None
    manager_locale: str | None
    channel_id: str | None
    usergroup_id: str | None
    members: list[Member] = field(default_factory=list)

    @property
    def member_ids(self) -> list[int]:
        return [m.person_id for m in self.members]


def display_name(person: Person) -> str:
    """What a digest calls a person: their Slack name, else their user id (never a mention,
    so a channel digest does not ping the whole team every morning)."""
    return person.name or person.slack_user_id


def team_members(session: Session, team_id: str, manager_id: int) -> list[Person]:
    """The active direct reports of `manager_id`, by name."""
    rows = session.scalars(
        select(Person).where(Person.team_id == team_id, Person.manager_id == manager_id, Person.is_active.is_(True))
    ).all()
    return sorted(rows, key=lambda p: (display_name(p).casefold(), p.id))


def team_info(session: Session, team: SalesTeam) -> TeamInfo:
    manager = session.get(Person, team.manager_id)
    assert manager is not None
    members = [
        Member(person_id=p.id, user_id=p.slack_user_id, name=display_name(p), role=p.role)
        for p in team_members(session, team.team_id, manager.id)
    ]
    return TeamInfo(
        id=team.id,
        team_id=team.team_id,
        name=team.name,
        manager_id=manager.id,
        manager_user_id=manager.slack_user_id,
        manager_name=display_name(manager),
        manager_role=manager.role,
        manager_tz=manager.tz,
        manager_lang=manager.lang,
        manager_locale=manager.locale,
        channel_id=team.digest_channel_id,
        usergroup_id=team.usergroup_id,
        members=members,
    )


# The workspace's schedule keys a team may override (`/coach settings team`, bot.settings.team).
SCHEDULE_KEYS = ("schedule.digest_time", "schedule.weekly_digest_day", "schedule.recap_day", "schedule.recap_time")


def team_config(config: WorkspaceConfig, team: SalesTeam | None) -> WorkspaceConfig:
    """The workspace config with the team's own digest days and times in its schedule, so the
    digest jobs read one merged config (a key the team has not set stays the workspace's)."""
    own = (team.settings or {}) if team is not None else {}
    update = {k.split(".", 1)[1]: v for k, v in own.items() if k in SCHEDULE_KEYS}
    if not update:
        return config
    return config.model_copy(update={"schedule": config.schedule.model_copy(update=update)})


def ensure_team(session: Session, manager: Person, now: datetime) -> SalesTeam:
    """The team row of `manager`, created (named after them) the first time it is needed."""
    team = session.scalar(
        select(SalesTeam).where(SalesTeam.team_id == manager.team_id, SalesTeam.manager_id == manager.id)
    )
    if team is None:
        team = SalesTeam(
            team_id=manager.team_id, manager_id=manager.id, name=display_name(manager)[:120], created_at=now
        )
        session.add(team)
        session.flush()
    return team


def _manager_person(session: Session, actor: Actor, user_id: str, now: datetime) -> Person:
    """The person who will manage a team; a rep named as a manager becomes one."""
    manager = ensure_person(session, actor.team_id, user_id, now)
    if manager.role == "rep":
        manager.role = "manager"
    return manager


def _reports_of(session: Session, team_id: str, person_id: int) -> set[int]:
    """Everyone below `person_id`, directly or not."""
    found: set[int] = set()
    frontier = {person_id}
    while frontier:
        rows = set(
            session.scalars(select(Person.id).where(Person.team_id == team_id, Person.manager_id.in_(frontier))).all()
        )
        frontier = rows - found
        found |= frontier
    return found


def _assign(session: Session, manager: Person, members: list[Person]) -> None:
    for member in members:
        # Nobody manages themselves, nor (directly or not) the person who is to manage them.
        if member.id == manager.id or manager.id in _reports_of(session, manager.team_id, member.id):
            raise ManagesSelf()
        member.manager_id = manager.id


def do_assign_members(
    db: Database, actor: Actor, manager_user_id: str, member_user_ids: list[str], now: datetime
) -> TeamInfo:
    """`/coach team @manager @rep…`: these people now report to `manager` (admins only)."""
    return do_set_up_team(db, actor, manager_user_id, member_user_ids, now)


def _assign_members(session: Session, actor: Actor, manager: Person, member_user_ids: list[str], now: datetime) -> None:
    members = [ensure_person(session, actor.team_id, uid, now) for uid in dict.fromkeys(member_user_ids)]
    _assign(session, manager, members)


def do_remove_members(db: Database, actor: Actor, member_user_ids: list[str]) -> list[str]:
    """`/coach team remove @rep…`: they no longer report to anyone (admins only)."""
    require_admin(actor)
    removed: list[str] = []
    with db.transaction() as session:
        for uid in member_user_ids:
            person = session.scalar(select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == uid))
            if person is not None and person.manager_id is not None:
                person.manager_id = None
                removed.append(uid)
    return removed


def do_sync_usergroup(
    db: Database,
    actor: Actor,
    manager_user_id: str,
    usergroup_id: str,
    group_user_ids: list[str],
    now: datetime,
) -> TeamInfo:
    """`/coach team @manager @usergroup`: the team is exactly the user group (admins only)."""
    return do_set_up_team(db, actor, manager_user_id, group_user_ids, now, usergroup_id=usergroup_id)


def _sync_usergroup(
    session: Session, actor: Actor, manager: Person, usergroup_id: str, group_user_ids: list[str], now: datetime
) -> None:
    """Members of the group report to the manager; people who reported to the manager but are
    no longer in the group stop doing so. The group is remembered so it can be synced again."""
    wanted = [uid for uid in dict.fromkeys(group_user_ids) if uid != manager.slack_user_id]
    members = [ensure_person(session, actor.team_id, uid, now) for uid in wanted]
    _assign(session, manager, members)
    keep = {m.id for m in members}
    for person in team_members(session, actor.team_id, manager.id):
        if person.id not in keep:
            person.manager_id = None
    ensure_team(session, manager, now).usergroup_id = usergroup_id[:32]


def set_up_team(
    session: Session,
    actor: Actor,
    manager_user_id: str,
    member_user_ids: list[str],
    now: datetime,
    *,
    usergroup_id: str | None = None,
    channel_id: str | None = None,
) -> TeamInfo:
    """`/coach team @manager [@rep… | @usergroup] [#channel]` (admins only): members (or the
    group, exactly) and the digest channel set in one transaction, so a refused part (someone
    who would manage themselves) leaves the team as it was."""
    require_admin(actor)
    manager = _manager_person(session, actor, manager_user_id, now)
    if usergroup_id is not None:
        _sync_usergroup(session, actor, manager, usergroup_id, member_user_ids, now)
    elif member_user_ids:
        _assign_members(session, actor, manager, member_user_ids, now)
    team = ensure_team(session, manager, now)
    if channel_id:
        team.digest_channel_id = channel_id[:32]
    session.flush()
    return team_info(session, team)


do_set_up_team = in_transaction(set_up_team)


def set_channel(
    session: Session, actor: Actor, channel_id: str, now: datetime, manager_user_id: str | None = None
) -> TeamInfo:
    """Where a team's digests are posted. Admins set it for any team; a manager for their own."""
    require_manager(actor)
    if manager_user_id and manager_user_id != actor.user_id:
        return set_up_team(session, actor, manager_user_id, [], now, channel_id=channel_id)
    manager = session.get(Person, actor.person_id)
    assert manager is not None
    team = ensure_team(session, manager, now)
    team.digest_channel_id = channel_id[:32]
    session.flush()
    return team_info(session, team)


do_set_channel = in_transaction(set_channel)


def rename_team(session: Session, actor: Actor, name: str, now: datetime) -> TeamInfo:
    """A manager names their own team (the name heads its digests)."""
    require_manager(actor)
    manager = session.get(Person, actor.person_id)
    assert manager is not None
    team = ensure_team(session, manager, now)
    team.name = name.strip()[:120] or team.name
    session.flush()
    return team_info(session, team)


do_rename_team = in_transaction(rename_team)


def visible_teams(session: Session, actor: Actor) -> list[TeamInfo]:
    """The teams `actor` may see: every team for an admin, their own for a manager."""
    require_manager(actor)
    query = select(SalesTeam).where(SalesTeam.team_id == actor.team_id)
    if not actor.is_admin:
        query = query.where(SalesTeam.manager_id == actor.person_id)
    return [team_info(session, team) for team in session.scalars(query.order_by(SalesTeam.name, SalesTeam.id))]


list_teams = in_transaction(visible_teams)


def team_for_request(session: Session, actor: Actor, manager_user_id: str | None, now: datetime) -> TeamInfo:
    """The team a manager asks about: their own, or (admins) the team of the manager they name.

    A rep gets `NotAllowed`: only managers and admins see team data.
    """
    require_manager(actor)
    if manager_user_id and manager_user_id != actor.user_id:
        require_admin(actor)
        manager = session.scalar(
            select(Person).where(Person.team_id == actor.team_id, Person.slack_user_id == manager_user_id)
        )
        if manager is None:
            raise NoTeam()
    else:
        manager = session.get(Person, actor.person_id)
        assert manager is not None
    team = session.scalar(
        select(SalesTeam).where(SalesTeam.team_id == actor.team_id, SalesTeam.manager_id == manager.id)
    )
    if team is None:
        if not team_members(session, actor.team_id, manager.id):
            raise NoTeam()
        team = ensure_team(session, manager, now)
    return team_info(session, team)


def all_teams(session: Session, team_id: str) -> list[TeamInfo]:
    """Every team of a workspace whose manager still manages (the jobs' audience)."""
    teams = session.scalars(select(SalesTeam).where(SalesTeam.team_id == team_id).order_by(SalesTeam.id)).all()
    return [info for info in (team_info(session, t) for t in teams) if info.manager_role in ("manager", "admin")]


MAX_TEAMS_SHOWN = 45
MEMBER_BLOCKS_ONE_TEAM = 40  # one team: its members may fill most of a message


def render_teams(lang: Lang, teams: list[TeamInfo]) -> Reply:
    """The teams as an ephemeral: name, manager, channel, user group, members. Long member
    lists go on over more sections, or say "…and N more"; never cut mid-name."""
    if not teams:
        return Reply(t(lang, "teams.none"))
    blocks: list[bk.Block] = []
    lines: list[str] = []
    member_blocks = MEMBER_BLOCKS_ONE_TEAM if len(teams) == 1 else 1
    for info in teams[:MAX_TEAMS_SHOWN]:
        head = t(
            lang, "teams.line", name=bk.escape(info.name), manager=bk.escape(info.manager_name), count=len(info.members)
        )
        where = t(lang, "teams.channel", channel=info.channel_id) if info.channel_id else t(lang, "teams.no_channel")
        extra = [where]
        if info.usergroup_id:
            extra.append(t(lang, "teams.usergroup", group=info.usergroup_id))
        title = f"{head}\n{' · '.join(extra)}"
        names = [bk.escape(m.name) for m in info.members]
        if names:
            title += "\n" + t(lang, "teams.members", names="").rstrip()
            blocks += bk.pack_lines(
                names,
                max_blocks=member_blocks,
                title=title,
                sep="、" if lang == "zh" else ", ",
                more=lambda n: t(lang, "common.more", count=n),
            )
        else:
            blocks.append(bk.section(f"{title}\n{t(lang, 'teams.no_members')}"))
        lines.append(title)
    if len(teams) > MAX_TEAMS_SHOWN:
        blocks.append(bk.context(t(lang, "common.more", count=len(teams) - MAX_TEAMS_SHOWN)))
    return Reply("\n".join(lines), blocks)


def reload_team(db: Database, team_id: str, sales_team_id: int) -> TeamInfo:
    """A team read back after a change the caller was allowed to make (fresh names)."""
    with db.transaction() as session:
        team = session.get(SalesTeam, sales_team_id)
        assert team is not None and team.team_id == team_id
        return team_info(session, team)


show_team = in_transaction(team_for_request)

"""`/coach team …`: who manages whom, the team's digest channel, a user group as a team."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.core.i18n import join_list, t
from bot.core.text import mentioned_channels, mentioned_usergroups, mentioned_users
from bot.people import teams
from bot.ui.reply import Reply, echo_reply
from handlers._support import refresh_person
from handlers.commands.coach import subcommand
from handlers.listener import Request

_REMOVE = ("remove", "移除", "删除")
_CHANNEL = ("channel", "频道")
_NAME = ("name", "命名", "名称")
_SHOW = ("", "show", "list", "查看", "列表")
_MAX_PROFILE_LOOKUPS = 60


def _cache_names(req: Request, info: teams.TeamInfo) -> teams.TeamInfo:
    """Fetch the Slack names of members we have never met, so digests can name them."""
    unnamed = [m for m in info.members if m.name == m.user_id][:_MAX_PROFILE_LOOKUPS]
    if info.manager_name == info.manager_user_id:
        unnamed.append(teams.Member(info.manager_id, info.manager_user_id, info.manager_name, info.manager_role))
    for member in unnamed:
        refresh_person(
            req.svc, req.client, Actor(team_id=info.team_id, user_id=member.user_id, person_id=member.person_id)
        )
    return teams.reload_team(req.svc.db, info.team_id, info.id) if unnamed else info


@subcommand("team", "团队")
def coach_team(req: Request, rest: str) -> None:
    actor, svc, now = req.actor, req.svc, req.now
    lang = actor.lang
    first = rest.split()[0].lower() if rest.split() else ""
    users, channels, groups = mentioned_users(rest), mentioned_channels(rest), mentioned_usergroups(rest)

    if first in _SHOW and not (users or channels or groups):
        req.reply(teams.render_teams(lang, teams.list_teams(svc.db, actor)))
        return
    if first in _REMOVE and users:
        removed = teams.do_remove_members(svc.db, actor, users)
        text = (
            t(lang, "teams.removed", users=join_list(lang, (f"<@{u}>" for u in removed)))
            if removed
            else t(lang, "teams.removed_none")
        )
        req.reply(Reply(text))
        return
    if first in _NAME:
        name = rest.split(None, 1)[1] if len(rest.split(None, 1)) > 1 else ""
        if not name.strip():
            req.reply(echo_reply(lang, "teams.usage", rest))
            return
        renamed = teams.do_rename_team(svc.db, actor, name, now)
        req.reply(teams.render_teams(lang, [renamed]))
        return
    if first in _CHANNEL and channels and not users:
        changed = teams.do_set_channel(svc.db, actor, channels[0], now)
        req.reply(teams.render_teams(lang, [changed]))
        return
    if not users:
        req.reply(echo_reply(lang, "teams.usage", rest))
        return

    manager_user, member_users = users[0], users[1:]
    info: teams.TeamInfo | None = None
    if groups:
        require_admin(actor)  # before asking Slack for the group
        try:
            group_users = req.client.usergroups_users_list(usergroup=groups[0]).get("users") or []
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "error")
            req.reply(echo_reply(lang, "teams.usergroup_failed", rest, error=error))
            return
        info = teams.do_set_up_team(
            svc.db,
            actor,
            manager_user,
            [*group_users, *member_users],
            now,
            usergroup_id=groups[0],
            channel_id=channels[0] if channels else None,
        )
    elif member_users or channels:
        channel = channels[0] if channels else None
        if member_users or manager_user != actor.user_id:
            info = teams.do_set_up_team(svc.db, actor, manager_user, member_users, now, channel_id=channel)
        else:  # a manager setting their own team's channel
            info = teams.do_set_channel(svc.db, actor, channels[0], now)
    if info is None:  # just a manager named: show their team
        info = teams.show_team(svc.db, actor, manager_user, now)
    info = _cache_names(req, info)
    req.reply(teams.render_teams(lang, [info]))

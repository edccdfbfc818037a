"""`/coach settings [SECTION | team [@manager] | history]` (设置): the workspace's settings in modals
(admins); a team's own digest channel, days and times (admins any team, a manager their own)."""

from __future__ import annotations

from bot.core.i18n import t
from bot.core.text import mentioned_users
from bot.settings import ops, render
from bot.settings import team as team_settings
from bot.settings.fields import SECTIONS
from bot.ui.reply import Reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("settings", "设置")
def coach_settings(req: Request, rest: str) -> None:
    svc, actor = req.svc, req.actor
    word = rest.strip().lower()
    first = word.split(maxsplit=1)[0] if word else ""
    if first in ("team", "团队"):
        # Per-team digests: a manager their own team; an admin any, named by its manager.
        managers = mentioned_users(rest)
        manager = managers[0] if managers else None
        _open_team(req, manager)
        return
    if not word and actor.is_manager and not actor.is_admin:  # a manager sees their team's section only
        _open_team(req, None)
        return
    if word in ("history", "历史", "记录"):
        req.reply(render.history_reply(actor.lang, ops.settings_history(svc.db, actor), actor.tz))
        return
    if word and word not in SECTIONS:
        req.reply(Reply(t(actor.lang, "settings.usage")))
        return
    config = ops.read_config(svc.db, actor)  # admins only (NeedsAdmin otherwise)
    url = req.body.get("response_url")
    view = render.section_modal(actor.lang, word, config, url) if word else render.picker_modal(actor.lang, url)
    req.client.views_open(trigger_id=req.trigger_id, view=view)


def _open_team(req: Request, manager: str | None) -> None:
    name, values = team_settings.read_team(req.svc.db, req.actor, manager, req.now)  # NotAllowed for reps
    view = render.team_modal(req.actor.lang, name, values, manager, req.body.get("response_url"))
    req.client.views_open(trigger_id=req.trigger_id, view=view)

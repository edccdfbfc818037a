"""`/coach settings [SECTION | history]` (设置): the workspace's settings in modals (admins)."""

from __future__ import annotations

from bot.core.i18n import t
from bot.settings import ops, render
from bot.settings.fields import SECTIONS
from bot.ui.reply import Reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("settings", "设置")
def coach_settings(req: Request, rest: str) -> None:
    svc, actor = req.svc, req.actor
    word = rest.strip().lower()
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

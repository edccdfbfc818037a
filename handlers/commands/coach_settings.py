"""`/coach settings [SECTION | history]` (设置): the workspace's settings in modals (admins)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.settings import ops, render
from bot.settings.fields import SECTIONS
from bot.ui.reply import Reply
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand


@subcommand("settings", "设置")
def coach_settings(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    word = rest.strip().lower()
    if word in ("history", "历史", "记录"):
        changes = ops.settings_history(svc.db, actor)
        send_ephemeral(client, body, render.history_reply(actor.lang, changes, actor.tz), respond)
        return
    if word and word not in SECTIONS:
        send_ephemeral(client, body, Reply(t(actor.lang, "settings.usage")), respond)
        return
    config = ops.read_config(svc.db, actor)  # admins only (NeedsAdmin otherwise)
    url = body.get("response_url")
    view = render.section_modal(actor.lang, word, config, url) if word else render.picker_modal(actor.lang, url)
    client.views_open(trigger_id=body["trigger_id"], view=view)

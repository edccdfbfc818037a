"""`/coach digest daily|weekly|recap|tier [@manager]`: preview a team digest as an ephemeral.

Only managers and admins: a rep gets a polite refusal and no figures. The charts of the
weekly digest cannot ride on an ephemeral, so they go to the manager's own DM.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.core.text import mentioned_users, strip_mentions
from bot.digests import render, service
from bot.ui.reply import echo_reply
from handlers._support import log
from handlers.commands.coach import subcommand
from handlers.listener import Request


def _send_charts(client: WebClient, actor: Actor, preview: service.Preview) -> int:
    charts = preview.rendered.charts
    if not charts:
        return 0
    kind = t(actor.lang, f"digests.kind.{preview.kind}")
    try:
        dm = client.conversations_open(users=actor.user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            initial_comment=t(actor.lang, "digests.preview.charts_comment", kind=kind),
            file_uploads=[{"filename": c.filename, "content": c.png, "title": c.title} for c in charts],
        )
    except SlackApiError as exc:
        log.warning("preview charts upload failed: %s", exc.response.get("error"))
        return 0
    return len(charts)


@subcommand("digest", "简报")
def coach_digest(req: Request, rest: str) -> None:
    actor, svc = req.actor, req.svc
    words = strip_mentions(rest).lower().split()
    kind = service.KIND_WORDS.get(words[0]) if words else None
    if kind is None:
        req.reply(echo_reply(actor.lang, "digests.preview.usage", rest))
        return
    users = mentioned_users(rest)
    preview = service.do_preview(svc.db, actor, kind, users[0] if users else None, req.now)
    sent = _send_charts(req.client, actor, preview)
    for reply in render.preview_replies(actor.lang, preview.rendered, preview.team.channel_id, sent):
        req.reply(reply)

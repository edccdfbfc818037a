"""`/pipeline`: open deals by stage with the weighted forecast (`@rep` and `team` for managers)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.analytics.pipeline_view import pipeline_reply
from handlers._support import actor_or_apology, send_ephemeral, services, user_errors


def handle_pipeline(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    text = (body.get("text") or "").strip()
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:  # the database is unreachable: the user got an apology with their text
        return
    with user_errors(client, body, actor, text, respond):
        svc = services(context)
        send_ephemeral(client, body, pipeline_reply(svc.db, actor, text, svc.clock.now()), respond)


def register(app: App) -> None:
    app.command("/pipeline")(handle_pipeline)

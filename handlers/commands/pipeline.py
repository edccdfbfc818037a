"""`/pipeline`: open deals by stage with the weighted forecast (`@rep` and `team` for managers)."""

from __future__ import annotations

from slack_bolt import App

from bot.analytics.pipeline_view import pipeline_reply
from handlers.listener import Request, command_text, listener


@listener(command_text)
def handle_pipeline(req: Request) -> None:
    req.reply(pipeline_reply(req.svc.db, req.actor, req.text, req.now))


def register(app: App) -> None:
    app.command("/pipeline")(handle_pipeline)

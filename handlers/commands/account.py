"""`/account NAME …` (客户): an account's card and its corrections (`bot.records.accounts`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.records.accounts import account_reply
from handlers.listener import Request, command_text, listener


def _typed(body: dict[str, Any]) -> str:
    return command_text(body).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@listener(_typed)
def handle_account(req: Request) -> None:
    req.reply(account_reply(req.svc.db, req.actor, _typed(req.body), req.now))


def register(app: App) -> None:
    app.command("/account")(handle_account)

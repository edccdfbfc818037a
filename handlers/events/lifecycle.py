"""`app_uninstalled` and `tokens_revoked`: the workspace is gone; stop all work, keep its data.

Both events arrive without a usable token (Bolt skips auth.test for them), so the listeners
only touch our database: `bot.people.install` marks the workspace uninstalled (every scheduler sweep
skips it from then on) and forgets its dead tokens. The data stays until an operator runs
`pipeline-coach workspace delete T…`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.people.install import do_mark_uninstalled, do_revoke_user_tokens
from handlers._support import ids_of, services

log = logging.getLogger("handlers.lifecycle")


def handle_app_uninstalled(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    svc = services(context)
    team_id, _ = ids_of(body)
    known = do_mark_uninstalled(svc.db, team_id, svc.clock.now())
    log.info("app uninstalled from workspace %s (known: %s)", team_id, known)


def handle_tokens_revoked(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    svc = services(context)
    team_id, _ = ids_of(body)
    tokens = raw if isinstance(raw := event.get("tokens"), dict) else {}
    users = [str(u) for u in tokens.get("oauth") or [] if isinstance(u, str)]
    do_revoke_user_tokens(svc.db, team_id, users)
    if tokens.get("bot"):
        do_mark_uninstalled(svc.db, team_id, svc.clock.now())
        log.info("bot token revoked in workspace %s", team_id)


def register(app: App) -> None:
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)

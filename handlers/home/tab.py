"""The App Home tab: publish it when opened; a manager's switch between own and team view."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.analytics.home import SWITCH_ACTION, VISITS_ACTION, read_home_state
from handlers._support import current_actor, services
from handlers.home.publish import publish_home
from handlers.listener import Request, listener


def handle_home_opened(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    ack()
    if event.get("tab") != "home":
        return
    actor = current_actor(context, client, body)
    # Reopening the tab keeps the view the manager last chose (stored in the view itself); the
    # first time, a manager's opens on the team view (bot.analytics.home.default_mode).
    mode, _ = read_home_state((event.get("view") or {}).get("private_metadata"))
    publish_home(client, services(context), actor, mode)


@listener()
def handle_switch(req: Request) -> None:
    publish_home(req.client, req.svc, req.actor, "team" if req.action.value == "team" else "me")


@listener()
def handle_visits_page(req: Request) -> None:
    """ "My visits" Newer / Older: the tab re-published at that page (value `mode:offset`)."""
    mode, offset = read_home_state(req.action.value)
    publish_home(req.client, req.svc, req.actor, mode or "me", offset)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
    app.action(re.compile(rf"^{SWITCH_ACTION}_(me|team)$"))(handle_switch)
    app.action(re.compile(rf"^{VISITS_ACTION}_(newer|older)$"))(handle_visits_page)

"""Shared plumbing for listeners: services, the request's time, the acting person (with their
Slack profile refreshed from users.info), and answering the user ephemerally.

Listeners use these through `handlers.listener` (`@listener`), which acks first, resolves the
person after the ack (users.info is Slack I/O) and turns failures into friendly replies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.actor import Actor
from bot.core.services import Services
from bot.people.members import do_refresh_profile, load_actor
from bot.ui.reply import Reply

log = logging.getLogger("handlers")

RECEIVED_AT = "received_at"  # context key: when the front answered (the time the user acted)


def services(context: dict[str, Any]) -> Services:
    return context["services"]  # type: ignore[no-any-return]


def request_time(context: dict[str, Any]) -> datetime:
    """When the user acted: the time the request was answered if its work was spooled for a
    worker process (which may run it later), else now. "Yesterday" means the user's yesterday."""
    received = context.get(RECEIVED_AT)
    return received if isinstance(received, datetime) else services(context).clock.now()


def ids_of(body: dict[str, Any]) -> tuple[str, str]:
    """(team_id, user_id) of any Slack request body: commands, events, interactions."""
    team_id = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    if user is None and isinstance(body.get("event"), dict):
        user = body["event"].get("user")
    return str(team_id), str(user or "")


def slack_user(client: WebClient, user_id: str) -> dict[str, Any] | None:
    """users.info's `user` object (with locale), or None when Slack refuses (logged)."""
    try:
        return client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return None


def refresh_person(svc: Services, client: WebClient, actor: Actor) -> Actor:
    """`actor` with their Slack name, time zone and locale fetched and cached (unchanged when
    Slack refuses: they are asked again next time)."""
    user = slack_user(client, actor.user_id)
    return actor if user is None else do_refresh_profile(svc.db, actor, user, svc.clock.now())


def current_actor(context: dict[str, Any], client: WebClient, body: dict[str, Any]) -> Actor:
    """The acting person, with their Slack profile cached on first sight and when stale."""
    svc = services(context)
    team_id, user_id = ids_of(body)
    actor, stale = load_actor(svc.db, team_id, user_id, svc.clock.now())
    return refresh_person(svc, client, actor) if stale else actor


def send_ephemeral(
    client: WebClient,
    body: dict[str, Any],
    reply: Reply,
    respond: Callable[..., Any] | None = None,
) -> None:
    """Show `reply` to the acting user only: via response_url when there is one, else DM-less
    chat.postEphemeral in the channel the request came from, else a DM."""
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        respond(response_type="ephemeral", replace_original=False, **reply.as_kwargs())
        return
    _, user_id = ids_of(body)
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    if channel:
        client.chat_postEphemeral(channel=channel, user=user_id, **reply.as_kwargs())
    else:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, **reply.as_kwargs())

"""Shared plumbing for listeners: services, the request's time, the acting person (with their
Slack profile refreshed from users.info), and answering the user ephemerally.

Listeners use these through `handlers.listener` (`@listener`), which acks first, resolves the
person after the ack (users.info is Slack I/O) and turns failures into friendly replies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.actor import Actor
from bot.core.i18n import Lang
from bot.core.services import Services
from bot.people.members import do_refresh_profile, load_actor
from bot.ui.reply import Reply, echo_reply

log = logging.getLogger("handlers")

RECEIVED_AT = "received_at"  # context key: when the front answered (the time the user acted)
QUEUED_RUN = "queued_run"  # context key: a `QueuedRun`, when a worker runs work acked earlier
HANDOFF = "handoff"  # context key: a `Handoff`, when the app hands work after its ack to workers

# What the runtime puts in a request's context as HANDOFF: stores an acknowledged request
# (under the listener's name) for a worker; False when it could not be stored.
Handoff = Callable[[BoltRequest, str], bool]


@dataclass
class QueuedRun:
    """A worker's run of work that `serve` acknowledged earlier (runtime/worker.py).

    When the database cannot be reached, the listener does not apologise and drop the work: it
    marks the run `postponed` (the worker keeps the request and tries again with backoff), and
    tells the user once (`notified`) that what they sent is saved for later. The reply the work
    sends when it succeeds confirms it."""

    attempt: int = 1
    notified: bool = False
    postponed: bool = False


class AckAndQueue(Middleware):
    """Listener middleware: ack at once and leave the listener's work to a worker process.

    Bolt runs listener middleware in the request's own thread once the listener matched. When
    the app hands work to workers (`serve`: HANDOFF in the context), this stores the request
    and answers Slack itself (an empty 200, Bolt's own ack), without calling `next()`, so the
    listener does not run here. Without a hand-over (the shell, the tests, Socket Mode), or if
    the request could not be stored, or when a worker runs the stored request (QUEUED_RUN),
    the listener runs: it acks (a no-op for a worker) and does its work.
    """

    def __init__(self, work: str) -> None:
        self.work = work  # the name the queued request is stored under (logs, operators)

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        handoff = req.context.get(HANDOFF)
        if req.context.get(QUEUED_RUN) is None and handoff is not None and handoff(req, self.work):
            return BoltResponse(status=200, body="")
        return next()


def queued_run(context: dict[str, Any]) -> QueuedRun | None:
    run = context.get(QUEUED_RUN)
    return run if isinstance(run, QueuedRun) else None


def services(context: dict[str, Any]) -> Services:
    return context["services"]


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


def tell_database_unavailable(
    client: WebClient,
    body: dict[str, Any],
    lang: Lang,
    original_text: str | None,
    respond: Callable[..., Any] | None,
    run: QueuedRun | None,
) -> None:
    """Work that was answered and queued (`run`) is kept for a retry: the user hears once that
    it is saved for later. Anything else cannot be kept: an apology with the user's text."""
    if run is None:
        send_ephemeral(client, body, echo_reply(lang, "common.db_unavailable", original_text), respond)
        return
    run.postponed = True
    if not run.notified:
        send_ephemeral(client, body, echo_reply(lang, "common.saved_for_later", original_text), respond)
        run.notified = True


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


SAVED_REPLY_TRIES = 3
SAVED_REPLY_MAX_WAIT = 10.0  # seconds: listener work runs after the ack, so waiting is allowed


def tell_after_saved(send: Callable[[], None]) -> bool:
    """Send the answer to something already stored; whether it went out.

    Called after the work is stored: once it is saved, a Slack failure must never produce
    "nothing was saved" (which invites a second submission). A 429 is waited out as Slack asks
    (Retry-After, up to `SAVED_REPLY_MAX_WAIT`), a few times; any other failure is logged.
    """
    for attempt in range(SAVED_REPLY_TRIES):
        try:
            send()
            return True
        except SlackApiError as exc:
            if exc.response.status_code != 429 or attempt == SAVED_REPLY_TRIES - 1:
                log.warning("reply after a save not delivered: %s", exc.response.get("error"))
                return False
            headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
            try:
                wait = float(headers.get("retry-after") or 1)
            except (TypeError, ValueError):
                wait = 1.0
            time.sleep(min(max(wait, 0.5), SAVED_REPLY_MAX_WAIT))
        except Exception:
            log.exception("reply after a save not delivered")
            return False
    return False

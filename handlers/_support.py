"""Shared plumbing for listeners: services, the acting user, and friendly failure replies.

Every listener acks first, then calls `current_actor` (which may call users.info: Slack I/O
after the ack, never before), then runs a `bot` operation inside `user_errors`, which turns
any failure into an ephemeral in the user's language with their text echoed back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.access import AccessError
from bot.core.actor import Actor
from bot.core.i18n import Lang, lang_for
from bot.core.services import Services
from bot.people.members import do_update_profile, load_actor
from bot.ui.reply import Reply, echo_reply
from storage.db import DatabaseUnavailable

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


def current_actor(context: dict[str, Any], client: WebClient, body: dict[str, Any]) -> Actor:
    """The acting person, with their Slack name, time zone and locale cached on first sight."""
    svc = services(context)
    team_id, user_id = ids_of(body)
    now = svc.clock.now()
    actor, stale = load_actor(svc.db, team_id, user_id, now)
    if stale:
        try:
            info = client.users_info(user=user_id, include_locale=True).get("user") or {}
            actor = do_update_profile(
                svc.db,
                actor,
                name=(info.get("profile") or {}).get("display_name") or info.get("real_name") or info.get("name"),
                tz=info.get("tz"),
                locale=info.get("locale"),
                now=now,
            )
        except SlackApiError as exc:
            log.warning("users.info failed: %s", exc.response.get("error"))
    return actor


def actor_or_apology(
    context: dict[str, Any],
    client: WebClient,
    body: dict[str, Any],
    original_text: str | None = None,
    respond: Callable[..., Any] | None = None,
) -> Actor | None:
    """`current_actor`, or None once the user has been told (in their Slack locale, as the
    database cannot say) that the database is unreachable, with their text given back — or,
    for queued work (`QueuedRun`), that it is saved for later."""
    try:
        return current_actor(context, client, body)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable while loading the actor: %s", exc)
        _, user_id = ids_of(body)
        locale = None
        run = queued_run(context)
        if run is None or not run.notified:
            try:
                locale = (client.users_info(user=user_id, include_locale=True).get("user") or {}).get("locale")
            except SlackApiError as slack_exc:
                log.warning("users.info failed: %s", slack_exc.response.get("error"))
        tell_database_unavailable(client, body, lang_for(locale), original_text, respond, run)
        return None


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

    Called outside `user_errors`: once the work is saved, a Slack failure must never produce
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


@contextmanager
def user_errors(
    client: WebClient,
    body: dict[str, Any],
    actor: Actor | None,
    original_text: str | None = None,
    respond: Callable[..., Any] | None = None,
    run: QueuedRun | None = None,
) -> Iterator[None]:
    """Turn a failure into a friendly ephemeral that echoes what the user typed (queued work
    that meets an unreachable database is kept for later instead: `tell_database_unavailable`)."""
    lang = actor.lang if actor else "en"
    try:
        yield
    except AccessError as exc:
        send_ephemeral(client, body, echo_reply(lang, exc.message_key, None), respond)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable: %s", exc)
        tell_database_unavailable(client, body, lang, original_text, respond, run)
    except Exception:
        log.exception("listener failed")
        send_ephemeral(client, body, echo_reply(lang, "common.error", original_text), respond)

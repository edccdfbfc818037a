"""One way to write a listener: `@listener(...)` acks, resolves the acting person, runs the
listener's real work with a `Request`, and turns any failure into a reply the user understands.

The contract, for every command, button, form and shortcut:
- a form's input errors (`form_errors`, no database) go back inline in the ack; otherwise the
  request is acked first (`acks=False` only for Bolt lazy functions, whose ack already ran);
- the acting person is resolved inside the guard, so a database outage while loading them still
  answers (in the language of their Slack locale, since the database cannot say);
- `AccessError` → its friendly message; `DatabaseUnavailable` → an apology that gives back what
  the user typed (`echo`); anything else → a generic apology, also with their text, and a log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.access import AccessError
from bot.core.actor import Actor
from bot.core.i18n import Lang, lang_for
from bot.core.services import Services
from bot.ui.reply import Reply, echo_reply
from handlers import payloads as p
from handlers._support import (
    QueuedRun,
    current_actor,
    ids_of,
    queued_run,
    request_time,
    send_ephemeral,
    services,
    slack_user,
    tell_database_unavailable,
)
from storage.db import DatabaseUnavailable

log = logging.getLogger("handlers")

Echo = Callable[[dict[str, Any]], str | None]
FormErrors = Callable[[dict[str, Any], datetime], dict[str, str] | None]
Where = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Request:
    """One Slack request as a listener's work sees it: who acts, the typed payload, and how to
    answer them."""

    body: dict[str, Any]
    client: WebClient
    context: dict[str, Any]
    respond: Respond | None
    actor: Actor
    where: dict[str, Any] = field(default_factory=dict)  # the body replies are addressed by

    @property
    def svc(self) -> Services:
        return services(self.context)

    @property
    def lang(self) -> Lang:
        return self.actor.lang

    @property
    def now(self) -> datetime:
        """When the user acted (`request_time`), the instant every operation is given."""
        return request_time(self.context)

    def reply(self, reply: Reply) -> None:
        """Show `reply` to the acting user only (`send_ephemeral`)."""
        send_ephemeral(self.client, self.where or self.body, reply, self.respond)

    def replace(self, reply: Reply) -> None:
        """Answer in place of the (ephemeral) message whose button was pressed, when Slack gave
        a response_url; else as a new ephemeral."""
        if self.respond is not None and self.body.get("response_url"):
            self.respond(response_type="ephemeral", replace_original=True, **reply.as_kwargs())
        else:
            self.reply(reply)

    # ----- the payload, read through the models of `handlers.payloads` -----
    @cached_property
    def payload(self) -> p.SlackModel:
        """The body as its typed model (already checked by the middleware before any listener)."""
        model = p.model_for(self.body)
        if model is None:
            raise ValueError("no payload model for this request")
        return model.model_validate(self.body)

    @property
    def command(self) -> p.CommandPayload:
        assert isinstance(self.payload, p.CommandPayload)
        return self.payload

    @property
    def text(self) -> str:
        """A slash command's text, stripped."""
        return self.command.text.strip()

    @property
    def action(self) -> p.Action:
        """The pressed button or chosen option of a block_actions request."""
        assert isinstance(self.payload, p.BlockActionsPayload)
        return self.payload.actions[0]

    @property
    def view(self) -> p.View:
        """The submitted view (view_submission) or the view a button sits in (block_actions)."""
        view = getattr(self.payload, "view", None)
        assert isinstance(view, p.View)
        return view

    @property
    def meta(self) -> dict[str, Any]:
        """The view's private_metadata as a dict (anything else: empty)."""
        return parse_json(self.view.private_metadata)

    @property
    def channel_id(self) -> str | None:
        """Where the request came from, when Slack says."""
        payload = self.payload
        if isinstance(payload, p.CommandPayload):
            return payload.channel_id
        channel = getattr(payload, "channel", None)
        if channel is not None:
            return str(channel.id)
        container = getattr(payload, "container", None)
        return container.channel_id if container is not None else None

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")


def parse_json(raw: Any) -> dict[str, Any]:
    """A button value or private_metadata as a dict (anything else: empty)."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def command_text(body: dict[str, Any]) -> str:
    """What a slash command's user typed: echoed back when it cannot be handled."""
    return str(body.get("text") or "").strip()


def form_text(body: dict[str, Any]) -> str | None:
    """Everything typed into a submitted form's text inputs, in order: echoed back on failure,
    so a long visit note is never lost."""
    view = p.View.model_validate(body.get("view") or {}) if isinstance(body.get("view"), dict) else None
    if view is None or view.state is None:
        return None
    typed = [value.value for block in view.state.values.values() for value in block.values() if value.value]
    return "\n".join(typed) or None


def listener(
    echo: Echo | None = None,
    *,
    acks: bool = True,
    form_errors: FormErrors | None = None,
    where: Where | None = None,
) -> Callable[[Callable[[Request], None]], Callable[..., None]]:
    """Make `work(request)` a Bolt listener with the contract in this module's docstring.

    `echo` reads from the body what the user typed (given back on failure); `form_errors`
    checks a view submission without the database ({block_id: message} to show inline);
    `acks=False` for a Bolt lazy function, whose ack function has already answered; `where`
    turns the body into the one replies go to (a form answers where it was opened)."""

    def decorate(work: Callable[[Request], None]) -> Callable[..., None]:
        def run(
            ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond | None
        ) -> None:
            errors = _safely(form_errors, body, request_time(context)) if form_errors is not None else None
            if errors:
                ack(response_action="errors", errors=errors)
                return
            if acks:
                ack()
            actor: Actor | None = None
            address = (_safely(where, body) if where is not None else None) or body
            try:
                actor = current_actor(context, client, body)
                work(Request(body, client, context, respond, actor, address))
            except Exception as exc:  # every failure gets an answer; none is swallowed silently
                typed = _safely(echo, body) if echo is not None else None
                _answer_failure(exc, actor, client, address, typed, respond, queued_run(context))

        run.__name__ = work.__name__  # Bolt names lazy functions (and the worker finds them) by name
        run.__qualname__ = work.__qualname__
        run.__module__ = work.__module__
        run.__doc__ = work.__doc__
        return run

    return decorate


def _safely(read: Callable[..., Any], *args: Any) -> Any:
    """A reading of the body that must not stop the answer: None if the body is too odd for it
    (the work that needs it then fails inside the guard, and is answered)."""
    try:
        return read(*args)
    except Exception:
        log.warning("could not read %s from the request", getattr(read, "__name__", "a value"), exc_info=True)
        return None


def _answer_failure(
    exc: Exception,
    actor: Actor | None,
    client: WebClient,
    body: dict[str, Any],
    typed: str | None,
    respond: Respond | None,
    run: QueuedRun | None = None,
) -> None:
    if isinstance(exc, DatabaseUnavailable) and run is not None and run.notified:
        run.postponed = True  # queued work met the outage again: kept; the user was told once
        return
    lang = actor.lang if actor is not None else _slack_lang(client, body)
    if isinstance(exc, AccessError):
        reply = echo_reply(lang, exc.message_key, None)
    elif isinstance(exc, DatabaseUnavailable):
        log.warning("database unavailable: %s", exc)
        # queued work (a worker's run) is kept for a retry; anything else gets the text back
        tell_database_unavailable(client, body, lang, typed, respond, run)
        return
    else:
        log.error("listener failed", exc_info=exc)
        reply = echo_reply(lang, "common.error", typed)
    try:
        send_ephemeral(client, body, reply, respond)
    except SlackApiError as failed:
        log.warning("could not answer the failure: %s", failed.response.get("error"))


def _slack_lang(client: WebClient, body: dict[str, Any]) -> Lang:
    """The user's language from their Slack locale, when the database cannot say."""
    user = slack_user(client, ids_of(body)[1])
    return lang_for((user or {}).get("locale"))

"""Checks every request needs before any listener, in one place.

- `reject_malformed` (first, right after the signature check): the body must fit
  `handlers.payloads` (types, lengths, ids), and a `response_url` must point at Slack (or the
  configured `SLACK_API_URL` host), so a reply can never be sent elsewhere. A malformed slash
  command gets a clear message in both languages with its text given back; anything else
  malformed is acknowledged and ignored.
- `drop_event_retries` (middleware): an Events API delivery is handled once across all
  processes (`bot.core.idempotency`); Slack's retries (`X-Slack-Retry-Num`) of a handled event are
  dropped.

Both run before the listener's ack, so each is kept to a validation and at most one INSERT.
A request Bolt cannot parse at all (not JSON, not a form) is answered 400 by `runtime.web`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from slack_bolt import App, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest

from bot.core.i18n import t
from bot.core.idempotency import claim_event, prune_receipts
from bot.core.services import Services
from handlers.payloads import MAX_COMMAND_TEXT, is_too_long_command_text, payload_problem
from storage.db import DatabaseUnavailable

log = logging.getLogger("handlers.middleware")

PRUNE_EVERY_SECONDS = 3600.0


def _allowed_hosts(services: Services) -> set[str]:
    api_host = urlparse(services.settings.slack_api_url).hostname or ""
    return {api_host, "slack.com"}


def _host_allowed(url: str, allowed: set[str]) -> bool:
    host = urlparse(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in allowed if h)


def _urls_in_metadata(view: Any) -> list[Any]:
    """URLs a modal carries in its private_metadata JSON (e.g. where to answer after it closes)."""
    try:
        meta = json.loads(view.get("private_metadata") or "") if isinstance(view, dict) else None
    except (TypeError, ValueError):
        return []
    if not isinstance(meta, dict):
        return []
    return [v for v in meta.values() if isinstance(v, str) and v.lower().startswith(("http:", "https:"))]


def response_url_problem(body: dict[str, Any], services: Services) -> str | None:
    """Every URL we may be asked to answer at must be Slack's (or the configured fake's)."""
    allowed = _allowed_hosts(services)
    responses = raw if isinstance(raw := body.get("response_urls"), list) else []
    urls = [body.get("response_url")] + [u.get("response_url") for u in responses if isinstance(u, dict)]
    urls += _urls_in_metadata(body.get("view"))
    for url in urls:
        if url is not None and not (isinstance(url, str) and _host_allowed(url, allowed)):
            return "response_url"
    return None


def _bilingual(key: str, text: str | None, **values: object) -> str:
    message = f"{t('en', key, **values)}\n{t('zh', key, **values)}"
    if text:
        message += f"\n{t('en', 'common.you_typed')} / {t('zh', 'common.you_typed')}\n{text[:2900]}"
    return message


def _command_reply(message: str) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps({"response_type": "ephemeral", "text": message}),
        headers={"content-type": "application/json"},
    )


def reject_malformed(body: Any, services: Services) -> BoltResponse | None:
    """The early answer to a malformed request (None: the request may go on).

    Called by the app's `dispatch` (runtime/app.py) once the signature has been checked and before
    Bolt's own middleware reads the body: some shapes (`actions: []`, `event: [...]`) would make
    Bolt itself fail with a 500 before any middleware of ours could run.
    """
    if isinstance(body, dict) and is_too_long_command_text(body):
        log.info("command text too long: %s", body.get("command"))
        return _command_reply(_bilingual("common.too_long", body.get("text"), limit=MAX_COMMAND_TEXT))
    problem = payload_problem(body) or response_url_problem(body, services)
    if problem is None:
        return None
    kind = body.get("type") if isinstance(body, dict) else None
    log.warning("malformed %s payload ignored: field %s", kind if isinstance(kind, str) else "command", problem)
    if isinstance(body, dict) and "command" in body:
        text = body.get("text") if isinstance(body.get("text"), str) else None
        return _command_reply(_bilingual("common.error", text))
    return BoltResponse(status=200, body="")


class DropEventRetries(Middleware):
    """Class-based (Bolt calls `process` directly): a function middleware costs an argument
    injection on every request, events or not."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.last_prune = 0.0

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        body = req.body
        if body.get("type") != "event_callback" or not body.get("event_id"):
            return next()
        services = self.services
        team_id = str(body.get("team_id") or "")
        now = services.clock.now()
        try:
            first = claim_event(services.db, team_id, str(body["event_id"]), now)
            if time.monotonic() - self.last_prune > PRUNE_EVERY_SECONDS:
                self.last_prune = time.monotonic()
                prune_receipts(services.db, now)
        except DatabaseUnavailable:
            first = True  # cannot tell: handle it (the listener reports the outage)
        if first:
            return next()
        retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        log.info("event %s already handled; retry %s dropped", body.get("event_id"), retry)
        return BoltResponse(status=200, body="")


def register(app: App, services: Services) -> None:
    """The middleware (`reject_malformed` is not one: the app's dispatch calls it first)."""
    app.middleware(DropEventRetries(services))

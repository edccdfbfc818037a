"""Requests to our app, built and signed exactly as Slack builds and signs them.

Used by the shell and the tests: slash commands and interactions as form bodies, events as
JSON, each with `X-Slack-Signature` = v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}").
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

_trigger = itertools.count(1)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def new_trigger_id() -> str:
    return f"{next(_trigger)}.{int(time.time())}.fake{next(_trigger):06d}"


def command_form(
    *, command: str, text: str, user_id: str, team_id: str, channel_id: str, response_url: str, user_name: str = ""
) -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": "general" if channel_id.startswith("C") else "directmessage",
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0FAKEAPP",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": new_trigger_id(),
        }
    ).encode()


def interaction_form(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def _user(team_id: str, user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def block_actions(
    *,
    team_id: str,
    user_id: str,
    action: dict[str, Any],
    response_url: str | None,
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "fake"},
        "user": _user(team_id, user_id),
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "trigger_id": new_trigger_id(),
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
        "container": container or {"type": "message"},
    }
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "channel"}
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission(
    *, team_id: str, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A view_submission for `view` (as views.open stored it) with `values` in Slack's shape."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "fake"},
        "user": _user(team_id, user_id),
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "trigger_id": new_trigger_id(),
        "view": {**view, "state": {"values": values}, "team_id": team_id, "app_id": "A0FAKEAPP"},
        "response_urls": [],
    }


def block_suggestion(
    *, team_id: str, user_id: str, action_id: str, block_id: str, value: str, view: dict[str, Any] | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_suggestion",
        "team": {"id": team_id, "domain": "fake"},
        "user": _user(team_id, user_id),
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
    }
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
    return payload


def global_shortcut(*, team_id: str, user_id: str, callback_id: str) -> dict[str, Any]:
    return {
        "type": "shortcut",
        "team": {"id": team_id, "domain": "fake"},
        "user": _user(team_id, user_id),
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
        "action_ts": f"{time.time():.6f}",
    }


def message_shortcut(
    *, team_id: str, user_id: str, callback_id: str, channel_id: str, message: dict[str, Any], response_url: str
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "team": {"id": team_id, "domain": "fake"},
        "user": _user(team_id, user_id),
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
        "action_ts": f"{time.time():.6f}",
        "message_ts": message.get("ts"),
        "channel": {"id": channel_id, "name": "channel"},
        "message": message,
        "response_url": response_url,
    }


def event_envelope(*, team_id: str, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0FAKEAPP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_trigger):010d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UBOT0000", "is_bot": True}],
    }


@dataclass
class HttpResult:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def post_signed(
    url: str,
    body: bytes,
    content_type: str,
    secret: str,
    *,
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> HttpResult:
    """POST `body` to `url` signed with `secret`, as Slack would; returns status and body."""
    headers = {"Content-Type": content_type, **sign(secret, body, timestamp), **(extra_headers or {})}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResult(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, exc.read().decode())


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

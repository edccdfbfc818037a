"""Drive the real app as Slack would: signed requests in, the fake Slack's record out.

`Driver` is what the shell and the tests use to type a command, press a button, submit a
modal or fire an event as a given user. Requests go either over HTTP to a running server (the
tests' default: the same WSGI stack as `serve`) or straight into Bolt's dispatch (the shell);
both are signed with the signing secret, and the app answers through its real Web API client
pointed at the fake Slack.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.request import BoltRequest

from dev import slack_requests as sr
from dev.fake_slack import FakeSlack
from runtime.executor import TrackingExecutor


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


class LocalServer:
    """A WSGI app on 127.0.0.1:<free port> in a background thread (tests)."""

    def __init__(self, wsgi_app: Any) -> None:
        self._server = make_server(
            "127.0.0.1", 0, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


class Driver:
    def __init__(
        self,
        app: App,
        fake: FakeSlack,
        *,
        signing_secret: str,
        team_id: str,
        executor: TrackingExecutor,
        url: str | None = None,
    ) -> None:
        self.app = app
        self.fake = fake
        self.secret = signing_secret
        self.team_id = team_id
        self.executor = executor
        self.url = url  # e.g. http://127.0.0.1:1234/slack/events; None: in-process dispatch

    # ----- transport ----------------------------------------------------------------------
    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
        wait: bool = True,
    ) -> Response:
        if self.url:
            result = sr.post_signed(
                self.url, body, content_type, self.secret, timestamp=timestamp, extra_headers=headers
            )
            response = Response(result.status, result.body)
        else:
            signed = {"content-type": content_type, **sr.sign(self.secret, body, timestamp), **(headers or {})}
            bolt = self.app.dispatch(BoltRequest(body=body.decode(), headers=signed))
            response = Response(bolt.status, bolt.body)
        if wait:
            self.wait_idle()
        return response

    def wait_idle(self, timeout: float = 15.0) -> None:
        if not self.executor.wait_idle(timeout):
            raise TimeoutError("listeners still running")

    def _interaction(self, payload: dict[str, Any], **kw: Any) -> Response:
        return self.send(sr.interaction_form(payload), sr.FORM, **kw)

    # ----- what a user does ---------------------------------------------------------------
    def command(
        self, user_id: str, command: str, text: str = "", *, channel_id: str = "C0000GENERAL", **kw: Any
    ) -> Response:
        body = sr.command_form(
            command=command,
            text=text,
            user_id=user_id,
            team_id=self.team_id,
            channel_id=channel_id,
            response_url=self.fake.response_url(user_id, channel_id),
        )
        return self.send(body, sr.FORM, **kw)

    def click(
        self,
        user_id: str,
        source: dict[str, Any],
        action_id: str,
        *,
        value: str | None = None,
        selected: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        **kw: Any,
    ) -> Response:
        """Press the element `action_id` found in `source` (a message's blocks or a view)."""
        element, block_id = find_element(source.get("blocks") or [], action_id, value)
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": element.get("type")}
        if element.get("type") == "button":
            action["value"] = element.get("value", "")
            action["text"] = element.get("text")
        elif selected is not None:
            action["selected_option"] = {"value": selected, "text": {"type": "plain_text", "text": selected}}
        is_view = source.get("type") in ("modal", "home")
        if is_view:
            container = {"type": "view", "view_id": source.get("id")}
            payload = sr.block_actions(
                team_id=self.team_id,
                user_id=user_id,
                action=action,
                response_url=None,
                view=source,
                container=container,
            )
        else:
            channel = channel_id or "C0000GENERAL"
            ts = message_ts or source.get("ts") or "1700000000.000001"
            payload = sr.block_actions(
                team_id=self.team_id,
                user_id=user_id,
                action=action,
                response_url=self.fake.response_url(user_id, channel),
                channel_id=channel,
                message={
                    "type": "message",
                    "ts": ts,
                    "text": source.get("text", ""),
                    "blocks": source.get("blocks") or [],
                },
                container={
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": bool(source.get("ephemeral")),
                },
            )
        return self._interaction(payload, **kw)

    def submit(self, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]], **kw: Any) -> Response:
        return self._interaction(
            sr.view_submission(team_id=self.team_id, user_id=user_id, view=view, values=values), **kw
        )

    def suggest(self, user_id: str, view: dict[str, Any], block_id: str, action_id: str, value: str) -> Response:
        payload = sr.block_suggestion(
            team_id=self.team_id, user_id=user_id, action_id=action_id, block_id=block_id, value=value, view=view
        )
        return self._interaction(payload, wait=False)

    def shortcut(self, user_id: str, callback_id: str, **kw: Any) -> Response:
        return self._interaction(
            sr.global_shortcut(team_id=self.team_id, user_id=user_id, callback_id=callback_id), **kw
        )

    def message_shortcut(
        self, user_id: str, callback_id: str, message: dict[str, Any], *, channel_id: str = "C0000GENERAL", **kw: Any
    ) -> Response:
        payload = sr.message_shortcut(
            team_id=self.team_id,
            user_id=user_id,
            callback_id=callback_id,
            channel_id=channel_id,
            message=message,
            response_url=self.fake.response_url(user_id, channel_id),
        )
        return self._interaction(payload, **kw)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kw: Any) -> Response:
        envelope = sr.event_envelope(team_id=self.team_id, event=event, event_id=event_id)
        return self.send(json.dumps(envelope).encode(), sr.JSON, **kw)

    def open_home(self, user_id: str, **kw: Any) -> Response:
        return self.event(
            {
                "type": "app_home_opened",
                "user": user_id,
                "channel": self.fake.dm_channel(user_id),
                "tab": "home",
                "event_ts": "1700000000.000100",
            },
            **kw,
        )

    # ----- what the user sees -------------------------------------------------------------
    def last_view(self) -> dict[str, Any]:
        """The most recently opened, pushed or updated modal."""
        with self.fake._lock:
            calls = [
                c
                for c in self.fake.calls
                if c.method in ("views.open", "views.push", "views.update") and c.response.get("ok")
            ]
        if not calls:
            raise AssertionError("no modal was opened")
        return calls[-1].response["view"]

    def last_ephemeral(self, user_id: str) -> dict[str, Any]:
        messages = self.fake.ephemerals_to(user_id)
        if not messages:
            raise AssertionError(f"no ephemeral message to {user_id}")
        m = messages[-1]
        return {"text": m.text, "blocks": m.blocks, "ts": m.ts, "channel": m.channel, "ephemeral": True}


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[dict[str, Any], str | None]:
    """The interactive element with `action_id` (and `value`, if given) in `blocks`."""
    for block in blocks:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        if block.get("element"):
            candidates.append(block["element"])
        for element in candidates:
            if element.get("action_id") == action_id and (value is None or element.get("value") == value):
                return element, block.get("block_id")
    raise AssertionError(f"no element {action_id!r} (value {value!r}) in these blocks")

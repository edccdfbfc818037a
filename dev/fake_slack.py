"""A local stand-in for Slack's Web API, for the shell and the tests.

It answers the Web API methods the app calls over real HTTP on 127.0.0.1, records every call,
keeps the messages it was sent (per conversation, with threads and metadata) and rejects what
real Slack rejects that is cheap to check: invalid Block Kit (counts and lengths), modal
titles over 24 characters, unknown methods. It can answer 429 with Retry-After on demand (one
call, every n-th, or a chosen share of calls for a while: `rate_limit`), hold calls unanswered
until released (`hold`), and can enforce Slack's pacing (about one message per second per
channel, a workspace-wide rate) the way real Slack's rate limiter does. The app reaches it only through `SLACK_API_URL`.

No Slack SDK import here: this is the other side of the wire.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlparse

from bot.ui.blockkit import message_problems, view_problems


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str | None = None  # for ephemerals: who sees it
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    ephemeral: bool = False
    bot_id: str = "BFAKE"
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class User:
    id: str
    name: str
    tz: str = "UTC"
    locale: str = "en-US"
    team_id: str = "T0000DEMO"
    is_bot: bool = False
    email: str | None = None
    dnd: tuple[float, float] | None = None  # a do-not-disturb period, epoch seconds (dnd.info)
    status_emoji: str = ""
    status_text: str = ""


_JSON_PARAMS = ("blocks", "attachments", "view", "metadata", "files", "unfurl")


class FakeSlack:
    """Start with `FakeSlack().start()`; point `SLACK_API_URL` at `.api_url`."""

    def __init__(self, *, team_id: str = "T0000DEMO", bot_user_id: str = "UBOT0000") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        # Private channels the bot is not a member of: a post there answers `not_in_channel`
        # (public ones need no invitation: the app has `chat:write.public`).
        self.private_without_bot: set[str] = set()
        self.responses: list[dict[str, Any]] = []  # posts to response_url
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.users: dict[str, User] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.used_oauth_codes: set[str] = set()
        self.oauth_client: tuple[str, str] | None = None  # (client_id, secret) oauth.v2.access accepts
        self.revoked_tokens: set[str] = set()
        # When set, Slack knows only these tokens (and those its OAuth flow granted): any other
        # is answered `invalid_auth`, as Slack answers a mistyped or foreign token.
        self.known_tokens: set[str] | None = None
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering (slow Slack)
        self.socket_mode_url: str | None = None  # set by devtools.fake_socket_mode.FakeSocketMode
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._faults: deque[tuple[str | None, int, dict[str, str], dict[str, Any]]] = deque()
        self._rate_limit_every = 0
        self._call_counter = 0
        # rate_limit(): (share, Retry-After, method or None, calls left or None), calls seen
        self._storm: tuple[float, int, str | None, int | None] | None = None
        self._storm_seen = 0
        # hold(): calls of a method after the first n wait (not acted on) until release()
        self._gate: tuple[str, int] | None = None
        self._gate_open = threading.Event()
        self._gate_open.set()
        self.holding = threading.Event()
        self._stall: tuple[str, int] | None = None
        self._stalled = threading.Event()
        self.channel_interval: float | None = None
        self.workspace_rate: float | None = None
        self._last_post: dict[str, float] = {}
        self._recent_posts: deque[float] = deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle ---------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-slack")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, user_id: str, channel_id: str = "C0000GENERAL") -> str:
        """A response_url for a command or interaction by `user_id` in `channel_id`."""
        return f"{self.base_url}/response/{channel_id}/{user_id}/{next(self._ids)}"

    # ----- directory -----------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "UTC",
        locale: str = "en-US",
        team_id: str | None = None,
        email: str | None = None,
    ) -> User:
        user = User(id=user_id, name=name, tz=tz, locale=locale, team_id=team_id or self.team_id, email=email)
        with self._lock:
            self.users[user_id] = user
        return user

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id.lstrip("UW")

    # ----- faults and pacing -------------------------------------------------------------
    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str = "ratelimited",
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls (of `method`, or any) with an error."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        with self._lock:
            for _ in range(times):
                self._faults.append((method, status, headers, {"ok": False, "error": error}))

    def rate_limit_every(self, n: int) -> None:
        """Answer 429 (Retry-After: 1) to every n-th call; 0 turns it off."""
        with self._lock:
            self._rate_limit_every = n
            self._call_counter = 0

    def rate_limit(
        self, share: float, *, retry_after: int = 1, method: str | None = None, calls: int | None = None
    ) -> None:
        """A 429 storm: answer 429 with `Retry-After: retry_after` to `share` (0–1) of the calls
        (of `method`, or any), evenly spread (deterministic, not random), for the next `calls`
        such calls or until `rate_limit(0)`."""
        with self._lock:
            self._storm = (share, retry_after, method, calls) if share > 0 else None
            self._storm_seen = 0

    def hold(self, method: str = "chat.postMessage", *, after: int = 0) -> None:
        """Carry out the next `after` calls of `method`; hold every one after that unanswered
        and not yet acted on (`holding` is set) until `release()`: a Slack that stops
        answering for a while, during which the test does something to the caller."""
        with self._lock:
            self._gate = (method, after)
            self._gate_open.clear()
            self.holding.clear()

    def release(self) -> None:
        """Let the held calls (and every later one) through."""
        with self._lock:
            self._gate = None
            self._gate_open.set()

    def stall_after(self, n: int, method: str = "chat.postMessage") -> None:
        """Carry out the next `n` calls of `method` normally; carry out the one after that too,
        but never answer it (until `stop`), like a connection lost after Slack acted on a
        request. `stalled` is set when that happens: the moment to kill the caller."""
        with self._lock:
            self._stall = (method, n)
            self._stalled.clear()

    @property
    def stalled(self) -> threading.Event:
        return self._stalled

    def enforce_pacing(
        self, *, per_channel_seconds: float | None = 1.0, workspace_per_second: float | None = 50.0
    ) -> None:
        """Answer 429 to posts faster than one per `per_channel_seconds` per channel or
        `workspace_per_second` across the workspace, as Slack's limiter does."""
        with self._lock:
            self.channel_interval = per_channel_seconds
            self.workspace_rate = workspace_per_second

    # ----- inspection --------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and c.status == 200 and c.response.get("ok")]

    def messages_in(self, channel: str, *, thread_ts: str | None = None) -> list[Message]:
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel and (thread_ts is None or m.thread_ts == thread_ts or m.ts == thread_ts)
            ]

    def dms_to(self, user_id: str) -> list[Message]:
        return self.messages_in(self.dm_channel(user_id))

    def ephemerals_to(self, user_id: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m.ephemeral and m.user == user_id]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.responses.clear()
            self.views.clear()
            self.home_views.clear()
            self._faults.clear()

    # ----- HTTP ---------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if parsed.path.startswith("/response/"):
            self._send(request, 200, self._response_url(parsed.path, raw))
            return
        if parsed.path.startswith("/upload/"):
            file_id = parsed.path.rsplit("/", 1)[-1]
            with self._lock:
                if file_id in self.files:
                    self.files[file_id]["content"] = _multipart_content(raw, request.headers.get("Content-Type", ""))
            self._send(request, 200, None, text="OK - uploaded")
            return
        if parsed.path.startswith("/files-pri/"):
            self._serve_file(request, parsed.path)
            return
        if not parsed.path.startswith("/api/"):
            self._send(request, 404, {"ok": False, "error": "not_found"})
            return
        method = parsed.path[len("/api/") :]
        params: dict[str, Any] = dict(parse_qsl(parsed.query))
        ctype = request.headers.get("Content-Type", "")
        if raw:
            if "json" in ctype:
                params.update(json.loads(raw.decode() or "{}"))
            else:
                params.update(parse_qsl(raw.decode()))
        for key in _JSON_PARAMS:
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):  # oauth.v2.access: client id and secret as HTTP basic auth
            client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            params.setdefault("client_id", client_id)
            params.setdefault("client_secret", secret)
            auth = ""
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        if self.delays.get(method):
            time.sleep(self.delays[method])  # outside the lock: other calls go on meanwhile
        self._wait_at_gate(method)
        status, headers, body = self._dispatch(method, params, token)
        self._send(request, status, body, headers=headers)

    def _send(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any] | None,
        *,
        headers: dict[str, str] | None = None,
        text: str | None = None,
    ) -> None:
        payload = text.encode() if text is not None else json.dumps(body or {"ok": True}).encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain" if text is not None else "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(payload)

    def _dispatch(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._changed:
            call = Call(method=method, params=params, token=token, at=time.time())
            self.calls.append(call)
            fault = self._take_fault(method)
            if fault is None and method in ("chat.postMessage",) and self._pacing_violated(params):
                fault = (429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"})
            if fault is not None:
                call.status, headers, call.response = fault
                self._changed.notify_all()
                return call.status, headers, call.response
            if method != "oauth.v2.access" and not token:
                call.response = {"ok": False, "error": "not_authed"}
            elif token in self.revoked_tokens:
                call.response = {"ok": False, "error": "token_revoked"}
            elif not self._knows(method, token):
                call.response = {"ok": False, "error": "invalid_auth"}
            else:
                handler = getattr(self, "_m_" + method.replace(".", "_"), None)
                if handler is None:
                    call.response = {"ok": False, "error": "unknown_method"}
                else:
                    call.response = handler(params, token)
            stall = self._stall is not None and self._stall[0] == method and call.response.get("ok")
            if stall:
                remaining = self._stall[1]  # type: ignore[index]
                self._stall = (method, remaining - 1) if remaining > 0 else None
                stall = remaining == 0
            self._changed.notify_all()
        if stall:
            self._stalled.set()
            while self._server is not None:  # hold the answer back until the fake stops
                time.sleep(0.05)
        return 200, {}, call.response

    def _wait_at_gate(self, method: str) -> None:
        with self._lock:
            gate = self._gate
            if gate is None or gate[0] != method:
                return
            if gate[1] > 0:
                self._gate = (method, gate[1] - 1)
                return
            self.holding.set()
        while not self._gate_open.wait(0.05) and self._server is not None:
            pass

    def _storm_fault(self, method: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if self._storm is None:
            return None
        share, retry_after, target, left = self._storm
        if target is not None and target != method:
            return None
        self._storm_seen += 1
        if left is not None:
            self._storm = (share, retry_after, target, left - 1) if left > 1 else None
        k = self._storm_seen
        if int(k * share) > int((k - 1) * share):
            return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
        return None

    def _take_fault(self, method: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        for i, (target, status, headers, body) in enumerate(self._faults):
            if target is None or target == method:
                del self._faults[i]
                return status, headers, body
        storm = self._storm_fault(method)
        if storm is not None:
            return storm
        if self._rate_limit_every:
            self._call_counter += 1
            if self._call_counter % self._rate_limit_every == 0:
                return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
        return None

    def _pacing_violated(self, params: dict[str, Any]) -> bool:
        now = time.monotonic()
        channel = str(params.get("channel", ""))
        if channel.startswith(("U", "W")):
            channel = self.dm_channel(channel)
        if self.channel_interval:
            last = self._last_post.get(channel)
            if last is not None and now - last < self.channel_interval * 0.98:
                return True
        if self.workspace_rate:
            while self._recent_posts and now - self._recent_posts[0] >= 1.0:
                self._recent_posts.popleft()
            if len(self._recent_posts) >= self.workspace_rate:
                return True
        self._last_post[channel] = now
        self._recent_posts.append(now)
        return False

    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    # ----- methods ------------------------------------------------------------------------
    def _m_auth_test(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        team = self.oauth_team_for(token) or self.team_id
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake",
            "team_id": team,
            "user": "pipelinecoach",
            "user_id": self.bot_user_id,
            "bot_id": "BFAKE",
        }

    def _knows(self, method: str, token: str | None) -> bool:
        if self.known_tokens is None or method == "oauth.v2.access":
            return True
        return token in self.known_tokens or self.oauth_team_for(token) is not None

    def oauth_team_for(self, token: str | None) -> str | None:
        for grant in self.oauth_codes.values():
            if grant.get("access_token") == token:
                return str(grant["team"]["id"])
        return None

    def _m_users_info(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": user.team_id,
                "name": user.name,
                "real_name": user.name,
                "tz": user.tz,
                "locale": user.locale,
                "is_bot": user.is_bot,
                "profile": {"display_name": user.name, "real_name": user.name, "email": user.email},
            },
        }

    def set_dnd(self, user_id: str, start: float | None, end: float | None = None) -> None:
        """Give `user_id` a do-not-disturb period from epoch `start` to `end` (None: off)."""
        with self._lock:
            self.users[user_id].dnd = (start, end) if start is not None and end is not None else None

    def set_status(self, user_id: str, emoji: str = "", text: str = "") -> None:
        with self._lock:
            user = self.users[user_id]
            user.status_emoji, user.status_text = emoji, text

    def _m_dnd_info(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        """As Slack answers a bot asking about someone else: the next (or current) DND period;
        the snooze_* fields are only ever shown to the user asking about themselves."""
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        start, end = user.dnd or (0, 0)
        return {"ok": True, "dnd_enabled": user.dnd is not None, "next_dnd_start_ts": start, "next_dnd_end_ts": end}

    def _m_users_profile_get(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        profile = {
            "display_name": user.name,
            "real_name": user.name,
            "status_emoji": user.status_emoji,
            "status_text": user.status_text,
            "status_expiration": 0,
        }
        return {"ok": True, "profile": profile}

    def _m_conversations_open(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        users = str(params.get("users", "")).split(",")
        if not users or not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self.dm_channel(users[0])}}

    def _post(self, params: dict[str, Any], *, ephemeral: bool) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ephemeral and channel in self.private_without_bot:
            return {"ok": False, "error": "not_in_channel"}
        if not ephemeral and str(channel).startswith(("U", "W")):
            channel = self.dm_channel(str(channel))  # Slack posts to a user id in the app's DM with them
        blocks = params.get("blocks") or []
        problems = message_problems(params.get("text"), blocks)
        if problems:
            return {"ok": False, "error": "invalid_blocks" if blocks else "no_text", "errors": problems}
        ts = self._next_ts()
        message = Message(
            channel=str(channel),
            ts=ts,
            text=str(params.get("text") or ""),
            blocks=blocks,
            user=params.get("user") if ephemeral else None,
            thread_ts=params.get("thread_ts"),
            metadata=params.get("metadata"),
            ephemeral=ephemeral,
        )
        self.messages.append(message)
        if ephemeral:
            return {"ok": True, "message_ts": ts}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "message": {"text": message.text, "ts": ts, "bot_id": "BFAKE"},
        }

    def _m_chat_postMessage(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        return self._post(params, ephemeral=False)

    def _m_chat_postEphemeral(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        if not params.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return self._post(params, ephemeral=True)

    def _m_chat_update(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        problems = message_problems(params.get("text"), params.get("blocks") or [])
        if problems:
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        for message in self.messages:
            if message.channel == params.get("channel") and message.ts == params.get("ts"):
                message.text = str(params.get("text") or message.text)
                message.blocks = params.get("blocks") or message.blocks
                return {"ok": True, "channel": message.channel, "ts": message.ts}
        return {"ok": False, "error": "message_not_found"}

    def _m_chat_delete(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        before = len(self.messages)
        self.messages = [
            m for m in self.messages if not (m.channel == params.get("channel") and m.ts == params.get("ts"))
        ]
        return {"ok": True} if len(self.messages) < before else {"ok": False, "error": "message_not_found"}

    def _m_chat_getPermalink(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        channel, ts = params.get("channel"), str(params.get("message_ts", ""))
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _m_conversations_history(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        channel = params.get("channel")
        limit = int(params.get("limit") or 100)
        found = [m for m in self.messages if m.channel == channel and not m.ephemeral]
        found.sort(key=lambda m: m.ts, reverse=True)
        out = []
        out = [self._history_item(m, params) for m in found[:limit]]
        return {"ok": True, "messages": out, "has_more": len(found) > limit}

    def _m_conversations_replies(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        """A thread: the parent first, then its replies, oldest first (as Slack answers)."""
        channel, parent = params.get("channel"), str(params.get("ts") or "")
        limit = int(params.get("limit") or 1000)
        found = [
            m
            for m in self.messages
            if m.channel == channel and not m.ephemeral and (m.ts == parent or m.thread_ts == parent)
        ]
        if not any(m.ts == parent for m in found):
            return {"ok": False, "error": "thread_not_found"}
        found.sort(key=lambda m: m.ts)
        out = [self._history_item(m, params) for m in found[:limit]]
        return {"ok": True, "messages": out, "has_more": len(found) > limit}

    @staticmethod
    def _history_item(m: Message, params: dict[str, Any]) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "message", "ts": m.ts, "text": m.text, "bot_id": m.bot_id}
        if m.thread_ts:
            item["thread_ts"] = m.thread_ts
        if m.files:
            item["files"] = [dict(f) for f in m.files]
        if m.metadata and str(params.get("include_all_metadata", "")).lower() in ("1", "true"):
            item["metadata"] = m.metadata
        return item

    def _check_view(self, view: Any) -> dict[str, Any] | None:
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        problems = view_problems(view)
        if problems:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        return None

    def _store_view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}"}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._check_view(params.get("view")) or self._store_view(params["view"])

    def _m_views_push(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        return self._m_views_open(params, token)

    def _m_views_update(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        view_id = params.get("view_id")
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        return self._check_view(params.get("view")) or self._store_view(params["view"], view_id)

    def _m_views_publish(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        error = self._check_view(params.get("view"))
        if error:
            return error
        user = str(params.get("user_id"))
        self.home_views[user] = params["view"]
        return {"ok": True, "view": {**params["view"], "id": f"VHOME{user}"}}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = {
            "id": file_id,
            "name": params.get("filename"),
            "length": int(params.get("length") or 0),
            "content": b"",
        }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    # ----- files a user shares with the bot (files.info, url_private_download) ---------------
    def share_file(self, user_id: str, name: str, content: bytes, *, filetype: str = "csv") -> dict[str, Any]:
        """`user_id` uploads `content` into their DM with the bot: the file is stored (files.info
        describes it, its url_private_download serves it) and the `message` event Slack would
        send (subtype file_share) is returned for the test to deliver."""
        with self._lock:
            file_id = f"F{next(self._ids):08d}"
            self.files[file_id] = {
                "id": file_id,
                "name": name,
                "filetype": filetype,
                "content": content,
                "user": user_id,
            }
            ts = self._next_ts()
        return {
            "type": "message",
            "subtype": "file_share",
            "channel": self.dm_channel(user_id),
            "channel_type": "im",
            "user": user_id,
            "text": "",
            "ts": ts,
            "event_ts": ts,
            "files": [{"id": file_id, "name": name, "filetype": filetype}],
        }

    def _m_files_info(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file")))
        if stored is None:
            return {"ok": False, "error": "file_not_found"}
        content = stored.get("content") or b""
        url = f"{self.base_url}/files-pri/{self.team_id}-{stored['id']}/download/{quote(stored['name'])}"
        info = {k: v for k, v in stored.items() if k != "content"}
        return {"ok": True, "file": {**info, "size": len(content), "url_private": url, "url_private_download": url}}

    def _serve_file(self, request: BaseHTTPRequestHandler, path: str) -> None:
        """GET url_private_download: the bytes, to a request with a valid bot token only (Slack
        answers others with its login page; here a 403). Recorded as a `files.download` call."""
        file_id = path.split("/")[2].rsplit("-", 1)[-1]
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        with self._lock:
            stored = self.files.get(file_id)
            allowed = token is not None and token not in self.revoked_tokens and self._knows("files.info", token)
            status = 404 if stored is None else 200 if allowed else 403
            call = Call("files.download", {"file": file_id}, token, time.time(), status, {"ok": status == 200})
            self.calls.append(call)
        if stored is None or not allowed:
            self._send(request, status, None, text="not found" if stored is None else "denied")
            return
        payload = bytes(stored.get("content") or b"")
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _m_files_completeUploadExternal(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        files = params.get("files") or []
        done = []
        for item in files:
            stored = self.files.get(item.get("id"))
            if stored is None:
                return {"ok": False, "error": "file_not_found"}
            stored.update(title=item.get("title"), channel=params.get("channel_id"), thread_ts=params.get("thread_ts"))
            done.append({"id": stored["id"], "name": stored["name"], "title": item.get("title")})
        if params.get("channel_id"):
            ts = self._next_ts()
            self.messages.append(
                Message(
                    channel=str(params["channel_id"]),
                    ts=ts,
                    text=str(params.get("initial_comment") or ""),
                    blocks=[],
                    thread_ts=params.get("thread_ts"),
                    files=done,
                )
            )
        return {"ok": True, "files": done}

    def _m_usergroups_users_list(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        group = self.usergroups.get(str(params.get("usergroup")))
        if group is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(group)}

    def _m_oauth_v2_access(self, params: dict[str, Any], _token: str | None) -> dict[str, Any]:
        code = str(params.get("code"))
        grant = self.oauth_codes.get(code)
        if grant is None or code in self.used_oauth_codes:
            return {"ok": False, "error": "invalid_code"}
        if self.oauth_client and (params.get("client_id"), params.get("client_secret")) != self.oauth_client:
            return {"ok": False, "error": "invalid_client_id"}
        self.used_oauth_codes.add(code)  # a code is good once, as on real Slack
        return {"ok": True, **grant}

    def _m_apps_connections_open(self, _params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not str(token).startswith("xapp-"):
            return {"ok": False, "error": "invalid_auth"}  # needs the app-level token
        if self.socket_mode_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url}

    def grant_oauth(self, team_id: str, *, team_name: str = "", installer: str = "UINSTALLER") -> str:
        """What the user's "Allow" on Slack's consent page yields: a one-time code that
        oauth.v2.access exchanges for a bot token of `team_id` (auth.test then names that team)."""
        with self._lock:
            code = f"code{next(self._ids):06d}"
            self.oauth_codes[code] = {
                "app_id": "A0FAKEAPP",
                "authed_user": {"id": installer},
                "scope": "commands,chat:write,users:read,im:write",
                "token_type": "bot",
                "access_token": f"xoxb-{team_id.lower()}-{next(self._ids):06d}",
                "bot_user_id": self.bot_user_id,
                "team": {"id": team_id, "name": team_name or team_id},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        return code

    def token_of(self, team_id: str) -> str | None:
        """The bot token the latest OAuth grant gave `team_id`."""
        with self._lock:
            tokens = [g["access_token"] for g in self.oauth_codes.values() if g["team"]["id"] == team_id]
        return tokens[-1] if tokens else None

    def revoke(self, token: str) -> None:
        """The token stops working (uninstall): every call with it answers `token_revoked`."""
        with self._lock:
            self.revoked_tokens.add(token)

    def _response_url(self, path: str, raw: bytes) -> dict[str, Any]:
        _, _, channel, user, _n = path.split("/", 4)
        body = json.loads(raw.decode() or "{}")
        with self._changed:
            self.responses.append({"channel": channel, "user": user, **body})
            ephemeral = body.get("response_type", "ephemeral") != "in_channel"
            problems = message_problems(body.get("text"), body.get("blocks") or [])
            self.calls.append(
                Call(
                    method="response_url",
                    params=body,
                    token=None,
                    at=time.time(),
                    response={"ok": not problems, "errors": problems},
                )
            )
            if not problems:
                self.messages.append(
                    Message(
                        channel=channel,
                        ts=self._next_ts(),
                        text=str(body.get("text") or ""),
                        blocks=body.get("blocks") or [],
                        user=user if ephemeral else None,
                        ephemeral=ephemeral,
                    )
                )
            self._changed.notify_all()
        return {"ok": not problems, "errors": problems}


def _multipart_content(raw: bytes, content_type: str) -> bytes:
    """The file bytes of a multipart upload (or the raw body when it is not multipart)."""
    if "multipart/form-data" not in content_type or "boundary=" not in content_type:
        return raw
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    for part in raw.split(b"--" + boundary):
        head, sep, body = part.partition(b"\r\n\r\n")
        if sep and b"filename=" in head:
            return body.rstrip(b"\r\n")
    return raw

"""The sender: the one place scheduled messages reach Slack, each exactly once, paced.

How a job sends (see also `scheduler.ledger` for the guarantee):

    from scheduler.sender import Message, Send

    @job("manager-digest", minutes=15)
    def sweep(ctx: JobContext) -> int:
        result = ctx.sender.deliver(
            Send(
                team_id=team_id,
                recipient=channel_id,          # a user id (U…) for a DM, or a channel id (C…/G…)
                dedupe_key="2026-11-23",       # with (team, job, recipient): sent at most once
                message=Message(text=..., blocks=[...]),   # or a zero-argument callable building it
                channel=None,                  # default: the recipient (DM or channel) itself
                thread_ts=None,                # a parent's ts: post as a thread reply
                summary="Daily digest",        # one line, shown by `/coach why`
                items=["deal:12"],             # what it reports (read by `after_sent` effects)
            )
        )
        if result.ok: ...                      # result.channel, result.ts (also when already sent)
        return ctx.sender.sent

- `result.status`: `sent` (posted now), `recovered` (a crashed run had posted it: found in
  history), `already_sent` (ts from the ledger: use it as a thread parent), `held`, `skipped`
  (another process owns the claim), `failed` (`result.error`; a later sweep retries it).
- Files: `Message(text=comment, files=[FileUpload("funnel-2026-W48.png", png_bytes, "Funnel")])`
  uploads with files_upload_v2 into `channel`/`thread_ts` (the text becomes the initial
  comment). Give files names unique within the conversation: a crashed upload is recognised
  by its file name, since uploads carry no metadata.
- A thread: deliver the parent, then each reply with `thread_ts=parent.ts` and its own
  dedupe_key (`"2026-W48:reply:1"`); after a crash the parent comes back `already_sent` with its
  ts and only the missing replies are posted.
- `ctx.sender.deliver_all([...])` sends many at once (a thread pool; messages to one
  conversation stay in order), `ctx.sender.hold(Hold(...), …)` records messages deliberately
  not sent (shown by `/coach why`).

Delivery: the Web API client retries connection errors (and HTTP 429 on reading calls) with
slack_sdk's retry handlers, in the sending thread (never on a request's ack path). A post is
only retried blindly when the connection never reached Slack; otherwise the row is left for
the history check, so a retry cannot post twice. The `Pacer` keeps posts under Slack's limits
(about one per second per conversation, `Settings.workspace_send_rate` per workspace) rather
than leaning on 429s.

Rate limits are not failures: a post answered 429 is retried by the sender itself after the
Retry-After Slack gave (the whole workspace's pacing waits with it), up to `RATE_LIMIT_ROUNDS`
times; a message still rate limited then is deferred (`ledger.defer`: no attempt counted) and
the next sweep sends it. `Sender.undelivered` counts what a sweep left unsent.

Fencing: a sender given a `Fence` (the job's lock and its fencing token, see scheduler.ledger)
checks before every post that the lock is still held and stamps the row with its token
(`ledger.take`); when either check fails it stops sending for the rest of the sweep
(`Sender.stopped`), so a sweep that lost its lock never sends what the new holder sends.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.core.services import Services
from bot.people.install import token_for_team
from scheduler import ledger

log = logging.getLogger("scheduler.sender")

PACED_METHODS = frozenset({"chat.postMessage", "files.completeUploadExternal"})
# Calls that create something: retried blindly only when the request surely never got through.
CREATING_METHODS = PACED_METHODS
# Slack errors that will not go away by trying again: the row is failed for good.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_metadata_format",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "thread_not_found",
    }
)
WORKERS = 8
STALE_SINCE = timedelta(days=3)
RATE_LIMIT_ROUNDS = 5  # 429s one message may wait out within a sweep before it is deferred
MAX_RATE_WAIT = 120.0  # seconds: a longer Retry-After defers the message to the next sweep
LOCK_CHECK_EVERY = 1.0  # seconds between checks of the lock's connection (the token is checked every post)


# ----- pacing -----------------------------------------------------------------------------
class Pacer:
    """Reserves send slots so posts leave at most one per `channel_interval` per conversation
    and `rate` per second per workspace, evenly spaced.

    Slack's limiter counts posts per sliding second; slots are spaced a little wider
    (`headroom`) so that network jitter does not push two posts into one second. Shared by every
    sender in the process (`Pacer.shared`), so concurrent jobs split the workspace's budget.
    """

    _shared: ClassVar[dict[tuple[float, float], Pacer]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, rate: float, channel_interval: float = 1.0, headroom: float = 0.02) -> None:
        self.spacing = (1.0 / rate) * (1 + headroom)
        self.channel_spacing = channel_interval * (1 + headroom)
        self._lock = threading.Lock()
        self._team_next: dict[str, float] = {}
        self._channel_next: OrderedDict[str, float] = OrderedDict()
        self._paused: dict[str, float] = {}  # team -> monotonic time its Retry-After ends

    @classmethod
    def shared(cls, rate: float, channel_interval: float = 1.0) -> Pacer:
        with cls._shared_lock:
            key = (rate, channel_interval)
            if key not in cls._shared:
                cls._shared[key] = cls(rate, channel_interval)
            return cls._shared[key]

    def reserve(self, team_id: str, channel: str) -> float:
        """The monotonic time at which this post may leave (the slot is taken)."""
        with self._lock:
            now = time.monotonic()
            key = f"{team_id}/{channel}"
            slot = max(now, self._team_next.get(team_id, 0.0), self._channel_next.get(key, 0.0))
            self._team_next[team_id] = slot + self.spacing
            self._channel_next[key] = slot + self.channel_spacing
            self._channel_next.move_to_end(key)
            while len(self._channel_next) > 50_000:  # forget conversations long past their interval
                oldest, when = next(iter(self._channel_next.items()))
                if when > now:
                    break
                del self._channel_next[oldest]
            return slot

    def wait(self, team_id: str, channel: str) -> None:
        slot = self.reserve(team_id, channel)
        while True:
            with self._lock:
                until = max(slot, self._paused.get(team_id, 0.0))
            delay = until - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)  # then look again: a 429 meanwhile may have paused the workspace

    def back_off(self, team_id: str, seconds: float) -> None:
        """Slack said Retry-After: no post to this workspace leaves before then, including
        posts that already hold a slot."""
        with self._lock:
            until = time.monotonic() + seconds
            self._paused[team_id] = max(self._paused.get(team_id, 0.0), until)
            self._team_next[team_id] = max(self._team_next.get(team_id, 0.0), until)


_local = threading.local()


def _method(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class PacedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits Retry-After (slack_sdk's handler), then takes a fresh pacing slot for the retry.

    Not for posts: a rate-limited post goes back to the sender, which waits, checks its fence
    again and retries without counting an attempt (see the module docstring)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _method(request) in CREATING_METHODS:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)
        slot = getattr(_local, "slot", None)
        if slot is not None and _method(request) in PACED_METHODS:
            pacer, team_id, channel = slot
            pacer.wait(team_id, channel)


def _never_reached_slack(error: Exception | None) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


class SafeConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """slack_sdk's connection-error retries, except that a call which creates a message is only
    retried when the request cannot have reached Slack; otherwise the error goes back to the
    sender, which checks the conversation's history before anything is posted again."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        return _method(request) not in CREATING_METHODS or _never_reached_slack(error)


def sender_client(token: str | None, base_url: str, pacer: Pacer) -> WebClient:
    """A Web API client for scheduled sends: 429s and connection errors are retried here."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=30,
        retry_handlers=[
            PacedRateLimitRetryHandler(max_retry_count=8),
            SafeConnectionErrorRetryHandler(max_retry_count=3),
        ],
    )


# ----- what is sent -------------------------------------------------------------------------
@dataclass(frozen=True)
class FileUpload:
    filename: str
    content: bytes | str
    title: str | None = None


@dataclass
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    files: list[FileUpload] = field(default_factory=list)


@dataclass
class Send:
    """One message to deliver once; see the module docstring."""

    team_id: str
    recipient: str
    dedupe_key: str
    message: Message | Callable[[], Message]
    job: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    summary: str | None = None
    items: Sequence[Any] | None = None

    def build(self) -> Message:
        return self.message() if callable(self.message) else self.message


@dataclass
class Hold:
    """A message deliberately not sent today, and why (`Sender.hold`)."""

    team_id: str
    recipient: str
    dedupe_key: str
    reason: str
    summary: str | None = None
    items: Sequence[Any] | None = None
    job: str | None = None


@dataclass(frozen=True)
class Result:
    status: str
    delivery_id: int | None = None
    channel: str | None = None
    ts: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """The message is in Slack (now or before)."""
        return self.status in ("sent", "recovered", "already_sent")


class _Ambiguous(Exception):
    """The post may or may not have reached Slack."""


class _NotOurs(Exception):
    """This sweep may not send the row (its status for the Result: `skipped` or `stopped`)."""


@dataclass(frozen=True)
class Fence:
    """What a sweep sends under: the job's fencing token (`JobRun.fence`) and a check that its
    lock is still held (`scheduler.locks.Lock.held`)."""

    token: int
    alive: Callable[[], bool]


def _retry_after(error: SlackApiError) -> float:
    headers = {str(k).lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(1.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


def _rate_limited(error: SlackApiError) -> bool:
    return error.response.status_code == 429 or error.response.get("error") == "ratelimited"


# ----- the sender -----------------------------------------------------------------------------
class Sender:
    """Claims, sends and records scheduled messages for one job run.

    `holds_lock` says the caller holds the job's lock (`scheduler.locks`), so a claim that is
    still `claimed` cannot belong to a live sender and may be resolved here. Without the lock
    such claims are skipped: the unique key alone then guarantees no duplicate. `fence`: the
    lock's fencing token and liveness check; without it (tests, one-off senders) rows are
    still stamped before each post, so two senders never post the same row at once.
    """

    def __init__(
        self,
        services: Services,
        client: WebClient,
        *,
        job: str,
        at: datetime,
        holds_lock: bool = True,
        workers: int = WORKERS,
        pacer: Pacer | None = None,
        fence: Fence | None = None,
    ) -> None:
        self.services = services
        self.fence = fence
        self.stopped = threading.Event()
        # An unfenced sender stamps rows with a token of its own (negative: never a job's fence).
        self._own_token = -secrets.randbelow(2**31 - 1) - 1
        self._lock_check = threading.Lock()
        self._lock_ok_until = 0.0
        self.job = job
        self.at = at
        self.holds_lock = holds_lock
        self.workers = workers
        self.pacer = pacer or Pacer.shared(services.settings.workspace_send_rate)
        self._base = client
        self._clients: dict[str | None, WebClient] = {}
        self._tokens: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self.sent = 0
        self.recovered = 0
        self.failed = 0
        self.deferred = 0

    @property
    def undelivered(self) -> int:
        """Messages this sweep meant to send and did not (failed or rate limited)."""
        return self.failed + self.deferred

    # ----- clients ------------------------------------------------------------------------
    def client_for(self, team_id: str) -> WebClient:
        """A client with the workspace's token and the sender's retry handlers."""
        with self._lock:
            if team_id not in self._tokens:
                token = None
                if self.services.settings.oauth_enabled:
                    token = token_for_team(self.services.db, self.services.settings, team_id)
                self._tokens[team_id] = token or self._base.token
            token = self._tokens[team_id]
            if token not in self._clients:
                self._clients[token] = sender_client(token, self._base.base_url, self.pacer)
            return self._clients[token]

    # ----- public API -----------------------------------------------------------------------
    def deliver(self, send: Send) -> Result:
        job = send.job or self.job
        if self.stopped.is_set():
            return Result("stopped")
        with self.services.db.transaction() as session:
            claim = ledger.claim(
                session,
                team_id=send.team_id,
                job=job,
                recipient=send.recipient,
                dedupe_key=send.dedupe_key,
                at=self.at,
                channel_id=send.channel,
                thread_ts=send.thread_ts,
                summary=send.summary,
                items=send.items,
            )
        if not claim.fresh:
            early = self._existing(claim, send)
            if early is not None:
                return early
        try:
            message = send.build()
            if not claim.fresh:
                with self.services.db.transaction() as session:
                    ledger.refresh(session, claim.id, summary=send.summary, items=send.items)
            channel, ts = self._post_waiting_out_rate_limits(claim, send, message)
        except _NotOurs as exc:
            return Result(str(exc), claim.id)
        except _Ambiguous as exc:
            return self._after_ambiguous(claim, send, str(exc))
        except SlackApiError as exc:
            if _rate_limited(exc):
                return self._defer(claim, f"ratelimited (Retry-After {_retry_after(exc):g} s)")
            error = str(exc.response.get("error") or exc.response.status_code)
            return self._fail(claim, error, permanent=error in PERMANENT_ERRORS)
        except Exception as exc:  # a bug rendering or sending this one: the others still go
            log.exception("delivery %s of %s failed", claim.id, job)
            return self._fail(claim, f"{type(exc).__name__}: {exc}", permanent=False)
        self._mark_sent(claim.id, channel, ts)
        with self._lock:
            self.sent += 1
        return Result("sent", claim.id, channel, ts)

    def deliver_all(self, sends: Iterable[Send]) -> list[Result]:
        """Deliver many messages concurrently; messages to one conversation go in order."""
        sends = list(sends)
        groups: dict[tuple[str, str], list[int]] = {}
        for index, send in enumerate(sends):
            groups.setdefault((send.team_id, send.channel or send.recipient), []).append(index)
        results: list[Result | None] = [None] * len(sends)

        def run(indexes: list[int]) -> None:
            for i in indexes:
                results[i] = self.deliver(sends[i])

        if len(groups) <= 1 or self.workers <= 1:
            for indexes in groups.values():
                run(indexes)
        else:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=f"send-{self.job}") as pool:
                for future in [pool.submit(run, indexes) for indexes in groups.values()]:
                    future.result()
        return [r if r is not None else Result("failed", error="not run") for r in results]

    def hold(self, *holds: Hold) -> int:
        """Record messages deliberately not sent (time off, holiday…), in one transaction;
        `/coach why` shows them. Returns how many were new."""
        if not holds:
            return 0
        with self.services.db.transaction() as session:
            return sum(
                ledger.hold(
                    session,
                    team_id=h.team_id,
                    job=h.job or self.job,
                    recipient=h.recipient,
                    dedupe_key=h.dedupe_key,
                    at=self.at,
                    reason=h.reason,
                    summary=h.summary,
                    items=h.items,
                )
                for h in holds
            )

    def resolve_stale(self) -> int:
        """Settle claims a crashed run left behind (held job lock only): those found in Slack
        are marked sent; the rest are resent by the sweep when it comes to them again."""
        if not self.holds_lock:
            return 0
        with self.services.db.transaction() as session:
            claims = ledger.unresolved(session, self.job, since=self.at - STALE_SINCE)
        found = 0
        for claim in claims:
            if claim.status != "claimed":
                continue
            try:
                hit = self._find_in_slack(claim, ())
            except (SlackApiError, OSError, URLError) as exc:
                log.warning("could not check delivery %s in Slack: %s", claim.id, exc)
                continue
            if hit is not None:
                self._mark_sent(claim.id, *hit)
                found += 1
        with self._lock:
            self.recovered += found
        return found

    # ----- internals ------------------------------------------------------------------------
    def _existing(self, claim: ledger.Claim, send: Send) -> Result | None:
        """What to do with a key that was already claimed: a Result, or None to (re)send it."""
        if claim.status == "sent":
            return Result("already_sent", claim.id, claim.channel_id, claim.message_ts)
        if claim.status == "held":
            return Result("held", claim.id)
        if not self.holds_lock:
            return Result("skipped", claim.id)
        if claim.attempts >= ledger.MAX_ATTEMPTS:
            return Result("failed", claim.id, error="gave up")
        try:
            hit = self._find_in_slack(claim, self._file_names(send))
        except (SlackApiError, OSError, URLError) as exc:
            return Result("failed", claim.id, error=f"history check failed: {exc}")
        if hit is None:
            return None
        self._mark_sent(claim.id, *hit)
        with self._lock:
            self.recovered += 1
        return Result("recovered", claim.id, hit[0], hit[1])

    @staticmethod
    def _file_names(send: Send) -> tuple[str, ...]:
        message = send.message if isinstance(send.message, Message) else None
        return tuple(f.filename for f in message.files) if message else ()

    def _target(self, client: WebClient, claim: ledger.Claim, send: Send, *, need_conversation: bool) -> str:
        """Where to post: the claim's channel, the recipient, or (files, history) the DM id."""
        target = claim.channel_id or send.channel or send.recipient
        if need_conversation and ledger.is_user_id(target):
            target = client.conversations_open(users=claim.recipient)["channel"]["id"]
        return target

    def _post_waiting_out_rate_limits(self, claim: ledger.Claim, send: Send, message: Message) -> tuple[str, str]:
        """Post; on 429 wait as Slack asks (the workspace's pacing with it) and post again, up
        to `RATE_LIMIT_ROUNDS` times. The fence is checked again before every try."""
        rounds = 0
        while True:
            try:
                return self._post(claim, send, message)
            except SlackApiError as exc:
                if not _rate_limited(exc):
                    raise
                wait = _retry_after(exc)
                rounds += 1
                if rounds > RATE_LIMIT_ROUNDS or wait > MAX_RATE_WAIT or self.stopped.is_set():
                    raise
                log.info("delivery %s rate limited; retrying after %g s", claim.id, wait)
                self.pacer.back_off(claim.team_id, wait)

    def _take(self, claim: ledger.Claim) -> None:
        """Check the fence and stamp the row, right before the Slack call (raises _NotOurs)."""
        if self.stopped.is_set():
            raise _NotOurs("stopped")
        if self.fence is not None and not self._lock_alive():
            self._stop("its lock is gone")
            raise _NotOurs("stopped")
        fenced = self.fence is not None
        token = self.fence.token if self.fence is not None else self._own_token
        lost = False
        with self.services.db.transaction() as session:
            now = self.services.clock.now()
            taken = ledger.take(session, claim.id, token=token, job=self.job if fenced else None, now=now)
            if not taken and fenced:
                lost = not ledger.fence_is_current(session, self.job, token)
        if lost:
            self._stop("another sweep took the lock")
            raise _NotOurs("stopped")
        if not taken:
            raise _NotOurs("skipped")

    def _lock_alive(self) -> bool:
        """The lock is still held; a positive answer is trusted for `LOCK_CHECK_EVERY` seconds.
        Checks are serialized, so no thread takes "alive" while another is finding it dead."""
        assert self.fence is not None
        with self._lock_check:
            now = time.monotonic()
            if now < self._lock_ok_until:
                return True
            alive = self.fence.alive()
            self._lock_ok_until = now + LOCK_CHECK_EVERY if alive else 0.0
            return alive

    def _stop(self, why: str) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            log.warning("sweep of %s stops sending: %s (fence %s)", self.job, why, self.fence and self.fence.token)

    def _post(self, claim: ledger.Claim, send: Send, message: Message) -> tuple[str, str]:
        client = self.client_for(claim.team_id)
        target = self._target(client, claim, send, need_conversation=bool(message.files))
        _local.slot = (self.pacer, claim.team_id, target)
        try:
            self.pacer.wait(claim.team_id, target)
            self._take(claim)
            if message.files:
                response = client.files_upload_v2(
                    channel=target,
                    thread_ts=claim.thread_ts,
                    initial_comment=message.text or None,
                    file_uploads=[
                        {"filename": f.filename, "content": f.content, "title": f.title} for f in message.files
                    ],
                )
                files = response.get("files") or [{}]
                return target, f"file:{files[0].get('id', '')}"
            kwargs: dict[str, Any] = {"channel": target, "text": message.text, "metadata": None}
            if message.blocks:
                kwargs["blocks"] = message.blocks
            if claim.thread_ts:
                kwargs["thread_ts"] = claim.thread_ts
            kwargs["metadata"] = ledger.metadata_for(claim.id, claim.job)
            response = client.chat_postMessage(unfurl_links=False, unfurl_media=False, **kwargs)
            return str(response["channel"]), str(response["ts"])
        except SlackApiError:
            raise
        except (OSError, URLError, TimeoutError) as exc:
            raise _Ambiguous(f"{type(exc).__name__}: {exc}") from exc
        finally:
            _local.slot = None

    def _find_in_slack(self, claim: ledger.Claim, file_names: Sequence[str]) -> tuple[str, str] | None:
        """(channel, ts) of the message carrying this claim's id, if Slack has it."""
        client = self.client_for(claim.team_id)
        channel = claim.channel_id if claim.channel_id and not ledger.is_user_id(claim.channel_id) else None
        if channel is None:
            if not ledger.is_user_id(claim.recipient):
                channel = claim.recipient
            else:
                channel = client.conversations_open(users=claim.recipient)["channel"]["id"]
        if claim.thread_ts:
            response = client.conversations_replies(
                channel=channel, ts=claim.thread_ts, include_all_metadata=True, limit=200
            )
        else:
            response = client.conversations_history(channel=channel, include_all_metadata=True, limit=100)
        wanted = str(claim.id)
        for message in response.get("messages") or []:
            if ledger.delivery_id_in(message) == wanted:
                return channel, str(message["ts"])
            names = {f.get("name") for f in message.get("files") or []}
            if file_names and names & set(file_names):
                return channel, str(message["ts"])
        return None

    def _after_ambiguous(self, claim: ledger.Claim, send: Send, error: str) -> Result:
        """The connection broke mid-post: Slack may have the message. Look before anything else."""
        try:
            hit = self._find_in_slack(claim, self._file_names(send))
        except (SlackApiError, OSError, URLError):
            hit = None
        if hit is not None:
            self._mark_sent(claim.id, *hit)
            with self._lock:
                self.sent += 1
            return Result("sent", claim.id, hit[0], hit[1])
        return self._fail(claim, error, permanent=False)

    def _defer(self, claim: ledger.Claim, error: str) -> Result:
        log.warning(
            "delivery %s (%s to %s) deferred to the next sweep: %s", claim.id, claim.job, claim.recipient, error
        )
        with self.services.db.transaction() as session:
            ledger.defer(session, claim.id, error)
        with self._lock:
            self.deferred += 1
        return Result("deferred", claim.id, error=error)

    def _fail(self, claim: ledger.Claim, error: str, *, permanent: bool) -> Result:
        log.warning("delivery %s (%s to %s) failed: %s", claim.id, claim.job, claim.recipient, error)
        with self.services.db.transaction() as session:
            ledger.mark_failed(session, claim.id, error, permanent=permanent)
        with self._lock:
            self.failed += 1
        return Result("failed", claim.id, error=error)

    def _mark_sent(self, delivery_id: int, channel: str, ts: str) -> None:
        with self.services.db.transaction() as session:
            ledger.mark_sent(session, delivery_id, channel_id=channel, ts=ts, sent_at=self.services.clock.now())

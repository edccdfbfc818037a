"""The WSGI application `serve` runs: Slack requests at /slack/events, health at /healthz."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.leads.inbound import Answer, receive
from runtime.app import services_of

HealthCheck = Callable[[], dict[str, Any]]
log = logging.getLogger("runtime.web")

HEALTH_DEADLINE = 1.0  # seconds: load balancers give up at 2 s; leaves room for a loaded machine


class BoundedCheck:
    """Runs a health check in a thread of its own and answers within `deadline` seconds.

    Why: a database host that black-holes packets makes a connection attempt hang until its
    connect timeout (storage.db.CONNECT_TIMEOUT); /healthz must still answer at once, saying
    why. At most one check runs at a time: callers arriving meanwhile wait on the same one,
    so a hung database does not pile up threads.
    """

    def __init__(self, check: HealthCheck, deadline: float) -> None:
        self.check = check
        self.deadline = deadline
        self._guard = threading.Lock()
        self._running: Future[dict[str, Any]] | None = None

    def __call__(self) -> dict[str, Any]:
        with self._guard:
            future = self._running
            if future is None or future.done():
                future = Future()
                self._running = future
                threading.Thread(target=self._run, args=(future,), name="healthz", daemon=True).start()
        try:
            return future.result(timeout=self.deadline)
        except TimeoutError:
            return {"ok": False, "database": "timeout", "reason": f"no answer within {self.deadline:g} s"}
        except Exception as exc:
            return {"ok": False, "reason": f"health check failed: {type(exc).__name__}"}

    def _run(self, future: Future[dict[str, Any]]) -> None:
        try:
            future.set_result(self.check())
        except Exception as exc:
            future.set_exception(exc)


class WebApp:
    """Routes a request to Bolt or to the health check; anything else is a 404."""

    def __init__(self, app: App, health: HealthCheck | None = None) -> None:
        self.bolt = SlackRequestHandler(app, path="/slack/events")
        self.app = app
        self.health = BoundedCheck(health or (lambda: default_health(app)), HEALTH_DEADLINE)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Serve one request and log it: method, path, status and duration (never the body)."""
        started = time.perf_counter()
        status: list[str] = []

        def recording_start_response(code: str, headers: Any, *args: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *args)

        try:
            return self._route(environ, recording_start_response)
        finally:
            code = int(status[0].split()[0]) if status else 500
            elapsed = (time.perf_counter() - started) * 1000
            path = str(environ.get("PATH_INFO", ""))[:200]
            method = str(environ.get("REQUEST_METHOD", ""))[:10]
            retry = environ.get("HTTP_X_SLACK_RETRY_NUM")
            log.info(
                "%s %s %s %.1fms",
                method,
                path,
                code,
                elapsed,
                extra={
                    "method": method,
                    "path": path,
                    "status": code,
                    "duration_ms": round(elapsed, 1),
                    "slack_retry": retry,
                },
            )

    def _lead(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """`POST /leads` (bot/leads/inbound.py): a JSON answer whatever happens, never a stack trace."""
        try:
            answer = _lead_answer(self.app, environ)
        except Exception:
            log.exception("POST /leads failed")
            answer = Answer(500, {"error": "internal_error"})
        body = json.dumps(answer.body).encode()
        reason = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 413: "Payload Too Large"}
        reason |= {429: "Too Many Requests", 500: "Internal Server Error"}
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        if answer.status == 401:
            headers.append(("WWW-Authenticate", "Bearer"))
        start_response(f"{answer.status} {reason[answer.status]}", headers)
        return [body]

    def _route(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/health") and environ.get("REQUEST_METHOD") == "GET":
            report = self.health()
            status = "200 OK" if report.get("ok") else "503 Service Unavailable"
            body = json.dumps(report).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path == "/leads" and environ.get("REQUEST_METHOD") == "POST":
            return self._lead(environ, start_response)
        try:
            return self.bolt(environ, start_response)
        except Exception as exc:
            # Bolt parses the body before it checks the signature; a body it cannot even read
            # (e.g. `authorizations: [1]`) raises here. That is a bad request, not our failure.
            log.warning("unreadable request refused: %s", type(exc).__name__)
            body = b"Bad Request"
            start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]


def _lead_answer(app: App, environ: dict[str, Any]) -> Answer:
    services = services_of(app)
    try:
        length: int | None = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = None
    stream = environ["wsgi.input"]
    return receive(
        services.db,
        services.clock.now(),
        authorization=environ.get("HTTP_AUTHORIZATION"),
        idempotency_key=environ.get("HTTP_IDEMPOTENCY_KEY"),
        content_length=length,
        content_type=str(environ.get("CONTENT_TYPE") or ""),
        read_body=lambda limit: stream.read(min(limit, length)) if length else b"",
        rate_per_minute=services.settings.lead_rate_per_minute,
    )


def default_health(app: App) -> dict[str, Any]:
    """Database reachable and every scheduler job succeeding on time; 503 otherwise."""
    services = services_of(app)
    problem = services.db.check()
    report: dict[str, Any] = {"ok": problem is None, "database": "ok" if problem is None else "unreachable"}
    if problem is not None:
        report["reason"] = problem
        return report  # job health lives in the database too
    try:
        from scheduler.health import job_health

        jobs = job_health(services.db, services.clock.now())
    except ImportError:  # pragma: no cover - scheduler not installed
        return report
    except Exception:
        log.exception("health: job health could not be read")
        report.update(ok=False, jobs="unknown")
        return report
    report["jobs"] = jobs
    report["undelivered"] = sum(job["undelivered"] for job in jobs)
    if any(not job["healthy"] for job in jobs):
        report["ok"] = False
    return report

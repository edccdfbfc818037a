"""The WSGI application `serve` runs: Slack requests at /slack/events, health at /healthz."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import services_of

HealthCheck = Callable[[], dict[str, Any]]


class WebApp:
    """Routes a request to Bolt or to the health check; anything else is a 404."""

    def __init__(self, app: App, health: HealthCheck | None = None) -> None:
        self.bolt = SlackRequestHandler(app, path="/slack/events")
        self.app = app
        self.health = health or (lambda: default_health(app))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/health") and environ.get("REQUEST_METHOD") == "GET":
            report = self.health()
            status = "200 OK" if report.get("ok") else "503 Service Unavailable"
            body = json.dumps(report).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return self.bolt(environ, start_response)


def default_health(app: App) -> dict[str, Any]:
    services = services_of(app)
    db_ok = services.db.ping()
    report: dict[str, Any] = {"ok": db_ok, "database": "ok" if db_ok else "unreachable"}
    try:
        from scheduler.health import job_health

        jobs = job_health(services.db, services.clock.now())
        report["jobs"] = jobs
        if any(not job["healthy"] for job in jobs):
            report["ok"] = False
    except ImportError:  # pragma: no cover - scheduler not installed
        pass
    return report

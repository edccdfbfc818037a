"""The Bolt `App` factory: the composition root that joins Slack, handlers and `bot/`.

This module (with the CLI, the web entry point and the dev tools) is where `bot/` meets Slack;
the domain modules of `bot/` never import Slack (a test checks).
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.clock import Clock
from bot.executor import TrackingExecutor
from bot.services import Services
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client pointed at `SLACK_API_URL`.

    Request handlers retry connection errors only: a 429 on the request path is answered to
    the user rather than slept on. The scheduler's sender builds its own client with 429
    retries, in its own thread.
    """
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)],
        timeout=10,
    )


def build_app(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    executor: TrackingExecutor | None = None,
    token_verification: bool = True,
) -> App:
    """The Bolt app with every listener registered and `Services` in each request's context."""
    import handlers

    services = Services(settings=settings, db=db or Database(settings.database_url), clock=clock or Clock())
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=make_web_client(settings),
        listener_executor=executor or TrackingExecutor(),
        token_verification_enabled=token_verification,
        process_before_response=False,
    )

    @app.middleware
    def _inject_services(context, next):
        context["services"] = services
        next()

    handlers.register(app)
    app._pipeline_coach_services = services  # type: ignore[attr-defined]
    return app


def services_of(app: App) -> Services:
    return app._pipeline_coach_services  # type: ignore[attr-defined,no-any-return]

"""The Bolt `App` factory: the composition root that joins Slack, handlers and `bot/`.

This module (with the CLI, the web entry point and the dev tools) is where `bot/` meets Slack;
the domain modules of `bot/` never import Slack (a test checks).

Two ways to be installed:
- single workspace: `SLACK_BOT_TOKEN` answers every request (what a team trying the app uses);
- distribution: with `SLACK_CLIENT_ID`/`SLACK_CLIENT_SECRET`, `/slack/install` starts Slack's
  OAuth flow and `/slack/oauth_redirect` finishes it; each workspace's bot token is stored with
  slack_sdk's SQLAlchemy installation store in our own tables (storage/models/installations.py,
  created by our migrations) and looked up per request by `team_id`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.signature import SignatureVerifier

from bot.core.clock import Clock
from bot.core.services import Services
from bot.core.settings import DEFAULT_SLACK_API_URL, Settings, fail
from bot.people.install import do_record_installation
from handlers._support import HANDOFF, QUEUED_RUN
from runtime.executor import TrackingExecutor
from runtime.spool import Spool
from runtime.worker import Handoff, WorkQueue
from storage.db import Database
from storage.models import Base, SlackBot, SlackInstallation, SlackOAuthState

log = logging.getLogger(__name__)

# The bot scopes an OAuth install asks for: exactly app_manifest.yml's `oauth_config.scopes.bot`
# (tests/test_oauth.py compares them; add a scope in both places).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "files:write",
    "usergroups:read",
    "dnd:read",  # scheduled DMs wait while someone is in do-not-disturb (scheduler/away.py)
    "users.profile:read",  # ... or while their status says they are away
    "chat:write.public",  # a team's digest in a public channel the bot was not invited to
    "files:read",  # a CSV an admin sends the bot in a DM (handlers/events/csv_upload.py)
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_STATE_SECONDS = 600


def make_web_client(settings: Settings, token: str | None = None, *, logger: logging.Logger | None = None) -> WebClient:
    """A Web API client pointed at `SLACK_API_URL`.

    Request handlers retry connection errors only: a 429 on the request path is answered to
    the user rather than slept on. The scheduler's sender builds its own client with 429
    retries, in its own thread. In OAuth mode the client has no token of its own: Bolt gives
    each request a client with its workspace's token.
    """
    if token is None and not settings.oauth_enabled:
        token = settings.slack_bot_token
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)],
        timeout=10,
        logger=logger,  # None: slack_sdk's own
    )


# What Slack answers auth.test for a token it does not accept (anything else is not about the token).
_REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
)


def check_slack(settings: Settings) -> None:
    """Stop with one line naming the setting if Slack cannot be used: `SLACK_API_URL` does not
    answer like Slack's Web API, or Slack refuses `SLACK_BOT_TOKEN` (auth.test). Commands call
    this before they start serving; otherwise the failure would surface later, as a traceback
    in a gunicorn worker or a scheduler thread. In OAuth mode there is no token to test: any
    answer from api.test shows the URL is reachable."""
    import urllib.error

    # Its failures are reported in one line below, not also logged by slack_sdk as errors.
    client = make_web_client(settings, logger=_QUIET)
    url = settings.slack_api_url
    try:
        if settings.oauth_enabled:
            client.api_test()
        else:
            client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response.status_code == 200 else None
        if settings.oauth_enabled and error:
            return
        if error in _REFUSED_TOKEN_ERRORS:
            fail(
                f"SLACK_BOT_TOKEN: Slack refused it ({error}). Copy the Bot User OAuth Token (xoxb-…) again from "
                "your Slack app's OAuth & Permissions page (reinstall the app if it was revoked)."
            )
        status = exc.response.status_code
        fail(
            f"SLACK_API_URL: {url} did not answer like Slack's Web API (HTTP {status}, {error or 'no error'}); "
            f"leave it unset for Slack ({DEFAULT_SLACK_API_URL})."
        )
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        fail(f"SLACK_API_URL: {url} cannot be reached ({reason}); check the network, or leave it unset for Slack.")


_QUIET = logging.getLogger("runtime.app.check_slack")
_QUIET.setLevel(logging.CRITICAL + 1)
_QUIET.propagate = False


class _SameTokenNotice(logging.Filter):
    """Drops Bolt's "As you gave `client` as well, `token` will be unused" warning.

    Bolt takes `SLACK_BOT_TOKEN` from the environment whenever it is given no token, and warns
    when a `client` is given too, which we must give (it carries `SLACK_API_URL` and the retry
    policy). That client was made with the same setting (`make_web_client`), so nothing is
    unused, and no argument stops Bolt reading the environment: the warning would only alarm
    the operator at every start.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.App").addFilter(_SameTokenNotice())


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on our tables; saving an installation also (re)activates the workspace."""

    def __init__(self, client_id: str, services: Services) -> None:
        super().__init__(client_id=client_id, engine=services.db.engine, logger=log)
        self.metadata = Base.metadata
        self.installations = SlackInstallation.__table__  # type: ignore[assignment]
        self.bots = SlackBot.__table__  # type: ignore[assignment]
        self._services = services

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if installation.team_id:
            now = self._services.clock.now()
            do_record_installation(self._services.db, installation.team_id, installation.team_name, now)
            log.info("installed in workspace %s", installation.team_id)


class OAuthStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's one-time OAuth state store on our `slack_oauth_states` table."""

    def __init__(self, db: Database) -> None:
        super().__init__(expiration_seconds=OAUTH_STATE_SECONDS, engine=db.engine, logger=log)
        self.metadata = Base.metadata
        self.oauth_states = SlackOAuthState.__table__  # type: ignore[assignment]


def _oauth_settings(
    settings: Settings, services: Services, client: WebClient
) -> tuple[OAuthSettings, InstallationStoreAuthorize]:
    assert settings.slack_client_id and settings.slack_client_secret
    store = InstallationStore(settings.slack_client_id, services)
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        state_store=OAuthStateStore(services.db),
        logger=log,
    )
    # Bolt's default authorizer calls auth.test on every request; its cache (keyed by token,
    # safe to lose) makes that once per token per process. The installation itself is still
    # read from the database on every request, so an uninstall takes effect at once.
    authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        cache_enabled=True,
        client=client,
    )
    return oauth, authorize


class GatedAck(Ack):
    """Bolt's ack, which after answering Slack waits for a work slot (see runtime/executor.py)."""

    def __init__(self, executor: TrackingExecutor) -> None:
        super().__init__()
        self._executor = executor

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        self._executor.enter_work()
        return response


class InjectServices(Middleware):
    """Puts `Services`, the gated ack and (under `serve`) the hand-over of work to worker
    processes in each request's context (class-based: Bolt calls it without the per-call
    argument injection a function middleware costs)."""

    def __init__(self, services: Services, executor: TrackingExecutor, handoff: Handoff | None = None) -> None:
        self.services = services
        self.executor = executor
        self.handoff = handoff

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        req.context["services"] = self.services
        req.context["ack"] = GatedAck(self.executor)
        if self.handoff is not None:
            req.context[HANDOFF] = self.handoff
        return next()


class PipelineCoachApp(App):
    """Bolt's App, refusing malformed payloads before Bolt reads them.

    Bolt's built-in middleware (and its argument injection) index into the body as Slack
    shapes it: `actions: []` or `event: [...]` would fail inside Bolt with a 500 before any
    middleware of ours runs. So `dispatch` checks the signature itself first (401 for an
    unsigned, mis-signed or stale request, as Bolt would answer), then the payload's shape
    (`handlers.middleware.reject_malformed`), then hands over to Bolt (whose own signature
    check stays on).
    """

    def __init__(self, services: Services, *, spooled_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._services = services
        self._spooled_only = spooled_only
        secret = services.settings.slack_signing_secret
        # Socket Mode needs no signing secret (nothing comes over HTTP): no verifier then.
        self._verifier = SignatureVerifier(secret) if secret else None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        from handlers.middleware import reject_malformed

        if self._spooled_only:
            # A worker's app: requests come from the queue, written after the front checked
            # their signatures (and possibly older than Slack's five-minute window); only the
            # worker puts a `QueuedRun` in a request's context, nothing from the network can.
            if req.context.get(QUEUED_RUN) is None:
                return BoltResponse(status=400, body='{"error": "not a queued request"}')
        else:
            # This app has no lazy listeners: Bolt's "run only a lazy function" is never asked
            # of it, even by a signed request carrying Bolt's headers for that.
            req.lazy_only = False
            req.lazy_function_name = None
            if req.mode != "socket_mode" and not self._signed(req):
                # Bolt would answer 401 too, but fails (500) on a timestamp that is not a number.
                return BoltResponse(status=401, body='{"error": "invalid request"}')
        early = reject_malformed(req.body, self._services)
        if early is not None:
            return early
        return super().dispatch(req)

    def _signed(self, req: BoltRequest) -> bool:
        def header(name: str) -> str:
            values = req.headers.get(name) or [""]
            return values[0] if values else ""

        if self._verifier is None:
            return False
        try:
            return self._verifier.is_valid(
                body=req.raw_body, timestamp=header("x-slack-request-timestamp"), signature=header("x-slack-signature")
            )
        except (TypeError, ValueError):  # a missing or non-numeric timestamp: Bolt answers 401
            return False


def build_app(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    executor: TrackingExecutor | None = None,
    token_verification: bool = True,
    mode: Literal["inline", "front", "worker"] = "inline",
    spool: Spool | None = None,
    queue: WorkQueue | None = None,
) -> App:
    """The Bolt app with every listener registered and `Services` in each request's context.

    `mode` says where the work of queued listeners (`handlers._support.AckAndQueue`) runs
    (runtime/worker.py): "inline" on this process's listener pool; "front" (`serve`) in worker
    processes, through `queue` (PostgreSQL's work queue) with `spool` behind it, or through
    `spool` alone; "worker" is the worker processes' own app, which runs queued requests only,
    each to its end in the calling thread (`process_before_response`).
    """
    if mode != "inline" and spool is None:
        raise ValueError(f"mode {mode!r} needs a spool")
    import handlers
    from handlers import middleware

    services = Services(settings=settings, db=db or Database(settings.database_url), clock=clock or Clock())
    executor = executor or TrackingExecutor(work_slots=settings.listener_work_slots)
    client = make_web_client(settings)
    # `PipelineCoachApp.dispatch` checks every HTTP request's signature before Bolt sees it
    # (and the worker's requests come from the spool): Bolt's own second check is off.
    common: dict[str, Any] = {"request_verification_enabled": False}
    if settings.oauth_enabled:
        oauth, authorize = _oauth_settings(settings, services, client)
        app = PipelineCoachApp(
            services,
            signing_secret=settings.slack_signing_secret,
            client=client,
            oauth_settings=oauth,
            authorize=authorize,
            listener_executor=executor,
            process_before_response=mode == "worker",
            spooled_only=mode == "worker",
            **common,
        )
    else:
        app = PipelineCoachApp(
            services,
            signing_secret=settings.slack_signing_secret,
            client=client,
            listener_executor=executor,
            token_verification_enabled=token_verification,
            process_before_response=mode == "worker",
            spooled_only=mode == "worker",
            **common,
        )
    handoff = None
    if mode == "front" and spool is not None:
        if queue is not None:
            handoff = Handoff(queue, services.clock.now, fallback=spool)
        else:
            handoff = Handoff(spool, services.clock.now)
    app.middleware(InjectServices(services, executor, handoff))

    middleware.register(app, services)
    handlers.register(app)
    app._pipeline_coach_services = services  # type: ignore[attr-defined]
    app._pipeline_coach_executor = executor  # type: ignore[attr-defined]
    return app


def services_of(app: App) -> Services:
    return app._pipeline_coach_services  # type: ignore[attr-defined]


def executor_of(app: App) -> TrackingExecutor:
    """The listener pool: `serve` drains it on shutdown so acknowledged work still finishes."""
    return app._pipeline_coach_executor  # type: ignore[attr-defined]

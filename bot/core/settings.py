"""Process settings from the environment (pydantic-settings).

Every field is optional at load time because each command needs a different set (the shell
needs no Slack token at all); a command asks for what it needs with `require`, which stops the
program with one line naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NoReturn

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class SettingsError(SystemExit):
    """A missing or malformed setting; `message` is the one line the CLI shows the operator
    (after the traceback behind it, with `--debug`), and the exit status is 2."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'pipeline-coach.db'}"


def default_spool_dir() -> Path:
    return Path.cwd() / "pipeline-coach-spool"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_redirect_uri: str | None = None  # OAuth: https://<host>/slack/oauth_redirect (else Slack's configured one)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = Field(default_factory=default_database_url)
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    scheduler_enabled: bool = True
    workspace_send_rate: float = Field(default=50.0, gt=0)
    # How many listeners may work after their ack at once per process (runtime/executor.py).
    listener_work_slots: int = Field(default=2, ge=1, le=64)
    # `serve` hands the work after a queued listener's ack to worker processes (runtime/worker.py)
    # through this directory (with PostgreSQL: its work_queue table, this directory while it is
    # unreachable); 0 processes: the work runs in the serving process.
    spool_dir: Path = Field(default_factory=default_spool_dir)
    worker_processes: int = Field(default=1, ge=0, le=64)
    worker_threads: int = Field(default=4, ge=1, le=64)
    worker_nice: int = Field(default=10, ge=0, le=19)
    worker_idle: bool = True  # Linux SCHED_IDLE: the work uses only CPU time the acks leave
    # While requests are spooled faster than this (per second), a worker holds the work it took
    # for up to `worker_max_hold` seconds after its request, so the acks get the CPU (0: never).
    worker_yield_rate: float = Field(default=100.0, ge=0)
    worker_max_hold: float = Field(default=5.0, ge=0, le=60)
    # Encrypts stored secrets (a rep's private calendar address) with Fernet; unset: stored as is.
    secret_key: str | None = None
    # Calendar addresses on private, loopback or link-local networks are refused unless this is
    # true (tests and local development serve ICS files from 127.0.0.1).
    calendar_allow_private: bool = False
    calendar_fetch_timeout: float = Field(default=10.0, gt=0, le=120)
    # `POST /leads`: requests each workspace key may make per minute (429 past it).
    lead_rate_per_minute: int = Field(default=60, ge=1, le=10000)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql+psycopg://", "postgresql://")):
            raise ValueError("must be sqlite:///… or postgresql+psycopg://…")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def oauth_enabled(self) -> bool:
        """Distribution mode: install with OAuth into many workspaces (no single bot token)."""
        return bool(self.slack_client_id and self.slack_client_secret)

    def require_bot_token(self) -> None:
        """A bot token is needed unless installations come through OAuth."""
        if not self.oauth_enabled:
            self.require("SLACK_BOT_TOKEN")

    def require(self, *names: str) -> None:
        """Stop with one clear line if any of the named settings is missing."""
        for name in names:
            if not getattr(self, name.lower(), None):
                fail(f"{name.upper()} is not set: {_HELP.get(name.upper(), 'see README.md')}")


_HELP = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth page.",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page.",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode.",
    "SLACK_CLIENT_ID": "the Client ID from your Slack app's Basic Information page (OAuth installs).",
    "SLACK_CLIENT_SECRET": "the Client Secret from your Slack app's Basic Information page (OAuth installs).",
}


def fail(message: str) -> NoReturn:
    """Stop the command with `message` as its one line on stderr (printed by `runtime.cli.main`)."""
    raise SettingsError(f"pipeline-coach: {message}")


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a malformed one stops with a line naming it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "setting"
        fail(f"{name} is invalid: {error['msg']}")

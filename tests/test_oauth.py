"""OAuth distribution: install into several workspaces through Slack's OAuth flow (answered by
the fake Slack), then use each; uninstalling stops a workspace and keeps its data."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import yaml
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, select

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.people.install import bot_token_for, token_for_team
from dev.driver import Driver, LocalServer
from dev.fake_slack import FakeSlack
from runtime.app import BOT_SCOPES, build_app
from runtime.executor import TrackingExecutor
from runtime.web import WebApp
from storage.db import Database
from storage.models import Account, Person, SlackBot, SlackInstallation, SlackOAuthState, Visit, Workspace
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
ALPHA, BETA = "T0000ALPHA", "T0000BETA"


@dataclass
class Distributed:
    base: str
    app: object
    executor: TrackingExecutor
    fake: FakeSlack

    def driver(self, team_id: str) -> Driver:
        return Driver(
            self.app,  # type: ignore[arg-type]
            self.fake,
            signing_secret=SECRET,
            team_id=team_id,
            executor=self.executor,
            url=f"{self.base}/slack/events",
        )


@pytest.fixture
def distributed(fake_slack: FakeSlack, database_url: str, db: Database, clock: ManualClock) -> Iterator[Distributed]:
    """The app in OAuth mode (client id and secret, no bot token) served over HTTP."""
    fake_slack.oauth_client = (CLIENT_ID, CLIENT_SECRET)
    settings = Settings(
        slack_signing_secret=SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        scheduler_enabled=False,
    )
    executor = TrackingExecutor()
    app = build_app(settings, db=db, clock=clock, executor=executor)
    server = LocalServer(WebApp(app))
    yield Distributed(server.url, app, executor, fake_slack)
    executor.wait_idle(10)
    server.stop()
    executor.shutdown(wait=False)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


def start_install(base: str) -> tuple[str, str]:
    """Open /slack/install as a browser would: the state in Slack's authorize link, and the cookie."""
    status, headers, html = _get(f"{base}/slack/install")
    assert status == 200, html
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link, html
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    cookie = SimpleCookie(headers["set-cookie"])
    name = next(iter(cookie))
    return query["state"][0], f"{name}={cookie[name].value}"


def finish_install(base: str, code: str, state: str, cookie: str | None) -> tuple[int, str]:
    status, _, html = _get(
        f"{base}/slack/oauth_redirect?{urlencode({'code': code, 'state': state})}",
        {"Cookie": cookie} if cookie else {},
    )
    return status, html


def install(d: Distributed, team_id: str, name: str) -> None:
    state, cookie = start_install(d.base)
    status, html = finish_install(d.base, d.fake.grant_oauth(team_id, team_name=name), state, cookie)
    assert status == 200, html


def test_install_into_two_workspaces_then_use_both_without_crossing(distributed: Distributed, db: Database) -> None:
    fake = distributed.fake
    install(distributed, ALPHA, "Alpha Sales")
    install(distributed, BETA, "Beta Trading")
    with db.transaction() as session:
        workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
        assert set(workspaces) == {ALPHA, BETA}
        assert workspaces[ALPHA].name == "Alpha Sales" and workspaces[ALPHA].uninstalled_at is None
        alpha_token, beta_token = bot_token_for(session, ALPHA), bot_token_for(session, BETA)
    assert alpha_token == fake.token_of(ALPHA) and beta_token == fake.token_of(BETA)
    assert alpha_token != beta_token

    fake.add_user("UALICE", "Alice", team_id=ALPHA, locale="zh-CN")
    fake.add_user("UBORIS", "Boris", team_id=BETA)
    alpha, beta = distributed.driver(ALPHA), distributed.driver(BETA)
    assert alpha.command("UALICE", "/coach", "help").status == 200
    assert beta.command("UBORIS", "/coach", "help").status == 200
    assert "管理命令" in alpha.last_ephemeral("UALICE")["text"]
    assert "/coach" in beta.last_ephemeral("UBORIS")["text"]

    # Each workspace's requests reached Slack with that workspace's own token.
    infos = {c.params["user"]: c.token for c in fake.calls_to("users.info")}
    assert infos == {"UALICE": alpha_token, "UBORIS": beta_token}
    # Each person lives in their own workspace; each is the first there, so its admin.
    with db.transaction() as session:
        people = {p.slack_user_id: (p.team_id, p.role) for p in session.scalars(select(Person))}
    assert people == {"UALICE": (ALPHA, "admin"), "UBORIS": (BETA, "admin")}

    # Each logs a visit (answering the "new account?" question); each sees only their own.
    for driver, user, name in ((alpha, "UALICE", "Alphaco"), (beta, "UBORIS", "Betaco")):
        driver.command(user, "/visit", f"{name} with Li: pricing; next: call back tomorrow 10am")
        driver.click(user, driver.last_ephemeral(user), "visit_create_account")
    alpha.command("UALICE", "/visit", "list")
    beta.command("UBORIS", "/visit", "list")
    alpha_list, beta_list = (
        json.dumps(d.last_ephemeral(u), ensure_ascii=False) for d, u in ((alpha, "UALICE"), (beta, "UBORIS"))
    )
    assert "Alphaco" in alpha_list and "Betaco" not in alpha_list
    assert "Betaco" in beta_list and "Alphaco" not in beta_list
    with db.transaction() as session:
        visits = {(v.team_id, a.name) for v, a in session.execute(select(Visit, Account).join(Account))}
    assert visits == {(ALPHA, "Alphaco"), (BETA, "Betaco")}
    posts = [c for c in fake.calls if c.method.startswith(("chat.", "views.", "users.", "conversations."))]
    assert {c.token for c in posts} <= {alpha_token, beta_token}

    # An admin of one workspace cannot reach into the other: Boris names Alice in a role change.
    beta.command("UBORIS", "/coach", "role <@UALICE|alice> rep")
    with db.transaction() as session:
        alice = session.scalars(select(Person).where(Person.slack_user_id == "UALICE")).all()
    assert [(p.team_id, p.role) for p in alice if p.team_id == ALPHA] == [(ALPHA, "admin")]


def test_state_is_single_use_and_bound_to_the_browser(distributed: Distributed, db: Database) -> None:
    fake = distributed.fake
    state, cookie = start_install(distributed.base)
    status, _ = finish_install(distributed.base, fake.grant_oauth(ALPHA), state, None)
    assert status != 200  # no cookie: another browser
    status, _ = finish_install(distributed.base, fake.grant_oauth(ALPHA), state, "slack-app-oauth-state=forged")
    assert status != 200
    status, _ = finish_install(distributed.base, fake.grant_oauth(ALPHA), state, cookie)
    assert status == 200
    status, _ = finish_install(distributed.base, fake.grant_oauth(ALPHA), state, cookie)
    assert status != 200  # replayed state
    with db.transaction() as session:
        assert session.scalars(select(SlackOAuthState)).all() == []
        assert len(session.scalars(select(SlackInstallation)).all()) == 1


def test_a_bad_code_installs_nothing(distributed: Distributed, db: Database) -> None:
    state, cookie = start_install(distributed.base)
    status, _ = finish_install(distributed.base, "not-a-code", state, cookie)
    assert status != 200
    with db.transaction() as session:
        assert session.scalars(select(SlackInstallation)).all() == []
        assert session.scalars(select(Workspace)).all() == []


def test_requests_from_a_workspace_that_never_installed_are_not_served(distributed: Distributed, db: Database) -> None:
    install(distributed, ALPHA, "Alpha")
    stranger = distributed.driver("T0000STRANGE")
    distributed.fake.add_user("USTRANGE", "Stranger", team_id="T0000STRANGE")
    stranger.command("USTRANGE", "/coach", "help")
    with db.transaction() as session:
        assert session.get(Workspace, "T0000STRANGE") is None
        assert session.scalars(select(Person)).all() == []


def test_uninstall_stops_the_workspace_keeps_its_data_and_reinstall_resumes(
    distributed: Distributed, db: Database
) -> None:
    fake = distributed.fake
    install(distributed, ALPHA, "Alpha")
    install(distributed, BETA, "Beta")
    fake.add_user("UALICE", "Alice", team_id=ALPHA)
    fake.add_user("UBORIS", "Boris", team_id=BETA)
    alpha, beta = distributed.driver(ALPHA), distributed.driver(BETA)
    alpha.command("UALICE", "/coach", "help")
    beta.command("UBORIS", "/coach", "help")

    old_token = fake.token_of(ALPHA)
    assert old_token
    fake.revoke(old_token)
    alpha.event({"type": "app_uninstalled"})
    with db.transaction() as session:
        assert session.get(Workspace, ALPHA).uninstalled_at is not None  # type: ignore[union-attr]
        assert session.get(Workspace, BETA).uninstalled_at is None  # type: ignore[union-attr]
        assert bot_token_for(session, ALPHA) is None
        assert bot_token_for(session, BETA) == fake.token_of(BETA)
        assert session.scalar(select(Person).where(Person.slack_user_id == "UALICE")) is not None

    before = len(fake.ephemerals_to("UALICE"))
    calls = len(fake.calls)
    alpha.command("UALICE", "/coach", "help")
    # Alpha's requests are no longer served: the user is only told to reinstall.
    assert "reinstall" in alpha.last_ephemeral("UALICE")["text"]
    assert [c.method for c in fake.calls[calls:] if c.method != "response_url"] == []
    with db.transaction() as session:
        assert session.get(Workspace, ALPHA).uninstalled_at is not None  # type: ignore[union-attr]
    beta.command("UBORIS", "/coach", "help")
    assert len(fake.ephemerals_to("UBORIS")) == 2  # Beta carries on

    install(distributed, ALPHA, "Alpha")
    with db.transaction() as session:
        assert session.get(Workspace, ALPHA).uninstalled_at is None  # type: ignore[union-attr]
        assert session.scalar(select(Person.role).where(Person.slack_user_id == "UALICE")) == "admin"
    alpha.command("UALICE", "/coach", "help")
    assert len(fake.ephemerals_to("UALICE")) == before + 2
    assert "/coach" in alpha.last_ephemeral("UALICE")["text"]


def test_bot_token_revoked_event_stops_the_workspace(distributed: Distributed, db: Database) -> None:
    install(distributed, ALPHA, "Alpha")
    distributed.driver(ALPHA).event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0000"]}})
    with db.transaction() as session:
        assert session.get(Workspace, ALPHA).uninstalled_at is not None  # type: ignore[union-attr]
        assert session.scalars(select(SlackBot)).all() == []


def test_scheduler_token_lookup_follows_the_mode(distributed: Distributed, db: Database, settings: Settings) -> None:
    install(distributed, ALPHA, "Alpha")
    oauth = settings.model_copy(update={"slack_client_id": CLIENT_ID, "slack_client_secret": CLIENT_SECRET})
    assert token_for_team(db, oauth, ALPHA) == distributed.fake.token_of(ALPHA)
    assert token_for_team(db, oauth, BETA) is None
    assert token_for_team(db, settings, ALPHA) == settings.slack_bot_token


def test_install_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"]), (
        "runtime.app.BOT_SCOPES (what an OAuth install asks for) must equal the manifest's bot scopes"
    )
    assert all(url.endswith("/slack/oauth_redirect") for url in manifest["oauth_config"]["redirect_urls"])


@pytest.mark.parametrize(
    ("ours", "build"),
    [
        (
            SlackInstallation,
            lambda md: SQLAlchemyInstallationStore.build_installations_table(md, "slack_installations"),
        ),
        (SlackBot, lambda md: SQLAlchemyInstallationStore.build_bots_table(md, "slack_bots")),
        (SlackOAuthState, lambda md: SQLAlchemyOAuthStateStore.build_oauth_states_table(md, "slack_oauth_states")),
    ],
)
def test_our_tables_match_slack_sdks(ours: type, build: object) -> None:
    theirs = build(MetaData())  # type: ignore[operator]
    mine = ours.__table__
    assert [c.name for c in mine.columns] == [c.name for c in theirs.columns]
    for column in theirs.columns:
        other = mine.c[column.name]
        assert type(other.type) is type(column.type), column.name
        assert getattr(other.type, "length", None) == getattr(column.type, "length", None), column.name
        assert other.nullable == column.nullable, column.name

"""What this app relies on from slack-bolt, checked against the installed version.

The runtime uses Bolt's public extension points only (issue 14 item 4): listener middleware
that answers without calling `next()` (`handlers._support.AckAndQueue`), `App.dispatch` with a
`BoltRequest(context=…)` (the worker), `process_before_response` (the worker's app), and the
public `BoltRequest.lazy_only` attribute. One piece is not documented as an extension point:
a global middleware putting its own `Ack` subclass in the context under "ack" (the work-slot
gate, `runtime.app.GatedAck`), which Bolt's `BoltContext.ack` returns. So slack-bolt is pinned
to the tested minor version in pyproject.toml, and this file fails loudly on an upgrade: run
it against the new version, then move the pin and `TESTED_MINOR` together.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.version import __version__ as bolt_version
from slack_sdk import WebClient

from dev import slack_requests as sr
from dev.fake_slack import FakeSlack

TESTED_MINOR = "1.30"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """Bolt's single-workspace authorization calls auth.test once per app."""
    fake = FakeSlack(team_id="T1").start()
    yield fake
    fake.stop()


def _app(slack: FakeSlack, **kwargs: Any) -> App:
    return App(
        signing_secret="x",
        client=WebClient(token="xoxb-x", base_url=slack.api_url),
        token_verification_enabled=False,
        request_verification_enabled=False,
        **kwargs,
    )


def _command(text: str = "hello") -> BoltRequest:
    body = sr.command_form(
        command="/visit", text=text, user_id="U1", team_id="T1", channel_id="C1", response_url="http://127.0.0.1:9/r"
    ).decode()
    return BoltRequest(body=body, headers={"content-type": sr.FORM})


def test_slack_bolt_is_the_tested_minor_version() -> None:
    assert bolt_version.startswith(TESTED_MINOR + "."), (
        f"slack-bolt {bolt_version} is installed; this app was checked against {TESTED_MINOR}.x. "
        "Run tests/test_bolt_contract.py and the worker tests against it, then move the pin in "
        "pyproject.toml and TESTED_MINOR together."
    )


class Answer(Middleware):
    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
        return BoltResponse(status=200, body="queued")


def test_a_listener_middleware_that_answers_without_next_is_the_response_and_the_listener_does_not_run(
    slack: FakeSlack,
) -> None:
    app = _app(slack)
    ran: list[str] = []

    @app.command("/visit", middleware=[Answer()])
    def listener(ack: Ack) -> None:
        ran.append("listener")
        ack()

    response = app.dispatch(_command())
    assert (response.status, response.body) == (200, "queued") and ran == []


def test_a_request_context_reaches_middleware_and_listener_and_process_before_response_runs_in_the_caller(
    slack: FakeSlack,
) -> None:
    app = _app(slack, process_before_response=True)
    seen: dict[str, Any] = {}

    @app.middleware
    def look(context: dict[str, Any], next: Any) -> BoltResponse:
        seen["middleware"] = context.get("mine")
        return next()  # type: ignore[no-any-return]

    @app.command("/visit")
    def listener(ack: Ack, context: dict[str, Any]) -> None:
        ack()
        seen["listener"] = context.get("mine")
        seen["thread"] = threading.current_thread()

    body = sr.command_form(
        command="/visit", text="x", user_id="U1", team_id="T1", channel_id="C1", response_url="http://127.0.0.1:9/r"
    ).decode()
    marker = object()
    response = app.dispatch(BoltRequest(body=body, headers={"content-type": sr.FORM}, context={"mine": marker}))
    assert response.status == 200
    assert seen == {"middleware": marker, "listener": marker, "thread": threading.current_thread()}


class CountingAck(Ack):
    calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        CountingAck.calls += 1
        return super().__call__(*args, **kwargs)


def test_an_ack_put_in_the_context_by_a_middleware_is_the_listeners_and_the_one_bolt_waits_for(
    slack: FakeSlack,
) -> None:
    app = _app(slack, process_before_response=False)

    @app.middleware
    def gate(context: dict[str, Any], next: Any) -> BoltResponse:
        context["ack"] = CountingAck()
        return next()  # type: ignore[no-any-return]

    @app.command("/visit")
    def listener(ack: Ack) -> None:
        assert isinstance(ack, CountingAck)
        ack(text="ok")

    CountingAck.calls = 0
    response = app.dispatch(_command())
    assert response.status == 200 and "ok" in response.body and CountingAck.calls == 1


def test_clearing_lazy_only_makes_the_listener_run_whatever_the_headers_say(slack: FakeSlack) -> None:
    app = _app(slack, process_before_response=True)
    ran: list[str] = []

    @app.command("/visit")
    def listener(ack: Ack) -> None:
        ack()
        ran.append("listener")

    body = sr.command_form(
        command="/visit", text="x", user_id="U1", team_id="T1", channel_id="C1", response_url="http://127.0.0.1:9/r"
    ).decode()
    # Bolt's own headers for "run only this lazy function" (what a forged request could carry).
    headers = {"content-type": sr.FORM, "x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": "f"}
    request = BoltRequest(body=body, headers=headers)
    assert request.lazy_only  # Bolt reads them …
    request.lazy_only = False  # … and our apps clear them (runtime/app.py, runtime/worker.py)
    request.lazy_function_name = None
    assert app.dispatch(request).status == 200 and ran == ["listener"]


def test_no_module_reaches_into_bolts_internals() -> None:
    """The runtime once subclassed Bolt's lazy-listener runner and replaced `App._listener_runner`."""
    forbidden = re.compile(
        r"slack_bolt\.\S*internals|slack_bolt\.lazy_listener|\._listener_runner|x-slack-bolt-lazy|LazyListenerRunner"
    )
    offenders = []
    for package in ("runtime", "handlers", "scheduler", "bot", "storage", "dev"):
        for path in (ROOT / package).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if forbidden.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []

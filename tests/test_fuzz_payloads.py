"""Malformed and hostile payloads to every listener the app registers (read from the app, so a
new listener is covered the day it is added).

For each listener, hypothesis generates two families of requests, signed as Slack signs them:
- broken shapes (wrong types, missing ids, over-long values, a response_url elsewhere): the
  app answers 200, a slash command with a clear message, and nothing at all is written;
- well-formed requests with hostile values (random text, JSON, ids of other workspaces' rows
  in button values, private_metadata and form fields): the app answers 200, never fails with
  an unexpected exception, and when it apologises nothing was written (no partial write).
"""

from __future__ import annotations

import json
import logging
import string
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.core.settings import Settings as AppSettings
from dev import slack_requests as sr
from runtime.app import build_app
from tests.listener_catalog import BOOKKEEPING, Listener, changed_tables, error_texts, listeners, snapshot
from tests.security_world import World, served_world

LISTENERS = listeners(
    build_app(
        AppSettings(slack_bot_token="xoxb-x", slack_signing_secret="s", database_url="sqlite://"),
        token_verification=False,
    )
)
FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is a request
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

TARGET_NOT_FOUND = ("message_not_found", "channel_not_found")


class FuzzFinding(UserWarning):
    """A hostile value made a listener fail inside `@listener` (generic apology, nothing saved)."""


class Failures(logging.Handler):
    """Collects unexpected failures: anything logged at ERROR while a request is handled."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        """What went wrong since the last call: logger, message and the exception's last frame."""
        found = []
        for record in self.records:
            line = f"{record.name}: {record.getMessage()}"
            if record.exc_info and record.exc_info[1] is not None:
                tb = record.exc_info[2]
                while tb is not None and tb.tb_next is not None:
                    tb = tb.tb_next
                where = f"{tb.tb_frame.f_code.co_filename.split('/work/main/')[-1]}:{tb.tb_lineno}" if tb else ""
                line += f" [{type(record.exc_info[1]).__name__}: {str(record.exc_info[1])[:200]} at {where}]"
            found.append(line)
        self.records.clear()
        return found


@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    """One world for the whole module (building it takes a second; the checks are relative)."""
    with served_world(database_url) as built:
        yield built


@pytest.fixture
def failures() -> Iterator[Failures]:
    handler = Failures()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


# ----- values ---------------------------------------------------------------------------------
def id_like(world: World) -> st.SearchStrategy[Any]:
    """Integers and strings that name real rows: ours, another rep's, another workspace's."""
    return st.sampled_from(sorted(world.all_ids)) | st.integers(-3, 10**12)


def hostile_text(world: World) -> st.SearchStrategy[str]:
    ids = id_like(world).map(str)
    return st.one_of(
        st.text(max_size=200),
        st.text(alphabet=string.printable, max_size=60),
        ids,
        ids.map(lambda i: f"deal {i} next"),
        st.sampled_from(["<@U0000OTHER>", "<!channel>", "*bold* `code` <https://evil.example|x>", "\x00\u202e", ""]),
        st.just("界" * 2999),
    )


def hostile_json(world: World) -> st.SearchStrategy[str]:
    scalars = st.none() | st.booleans() | id_like(world) | st.text(max_size=30)
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
        max_leaves=8,
    )
    keys = st.sampled_from(
        ["a", "d", "v", "k", "t", "c", "f", "n", "id", "deal", "visit", "account", "s", "ch", "l", "ru", "m", "p"]
    )
    return st.dictionaries(keys, values, max_size=6).map(lambda d: json.dumps(d)) | hostile_text(world)


def input_value(world: World, element_type: str | None) -> st.SearchStrategy[dict[str, Any]]:
    text = hostile_text(world).map(lambda s: s[:3000])
    option = st.builds(lambda v: {"value": v[:150], "text": {"type": "plain_text", "text": "x"}}, hostile_json(world))
    choices = {
        "plain_text_input": st.builds(lambda v: {"type": "plain_text_input", "value": v}, text | st.none()),
        "static_select": st.builds(lambda o: {"type": "static_select", "selected_option": o}, option | st.none()),
        "external_select": st.builds(lambda o: {"type": "external_select", "selected_option": o}, option | st.none()),
        "multi_static_select": st.builds(
            lambda os: {"type": "multi_static_select", "selected_options": os}, st.lists(option, max_size=4)
        ),
        "multi_external_select": st.builds(
            lambda os: {"type": "multi_external_select", "selected_options": os}, st.lists(option, max_size=4)
        ),
        "datepicker": st.builds(lambda d: {"type": "datepicker", "selected_date": d}, st.dates().map(str) | st.none()),
        "timepicker": st.builds(
            lambda h, m: {"type": "timepicker", "selected_time": f"{h:02d}:{m:02d}"},
            st.integers(0, 23),
            st.integers(0, 59),
        ),
        "users_select": st.builds(
            lambda u: {"type": "users_select", "selected_user": u}, st.sampled_from(["U1", "U2", "U0000OTHER"])
        ),
        "checkboxes": st.builds(
            lambda os: {"type": "checkboxes", "selected_options": os}, st.lists(option, max_size=4)
        ),
        "radio_buttons": st.builds(lambda o: {"type": "radio_buttons", "selected_option": o}, option | st.none()),
        "number_input": st.builds(
            lambda v: {"type": "number_input", "value": v}, st.integers(-(10**9), 10**12).map(str) | text
        ),
    }
    if element_type in choices:
        return choices[element_type] | choices["plain_text_input"]
    return st.sampled_from(sorted(choices)).flatmap(lambda k: choices[k])


def state_values(world: World, view: dict[str, Any] | None) -> st.SearchStrategy[dict[str, Any]]:
    """Values for the inputs of `view` (as the app built it), some dropped, plus junk keys."""
    inputs = [
        (block.get("block_id"), block["element"].get("action_id"), block["element"].get("type"))
        for block in (view or {}).get("blocks", [])
        if block.get("type") == "input" and block.get("element") and block.get("block_id")
    ]

    def assemble(picks: list[dict[str, Any] | None], junk: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for (block_id, action_id, _), value in zip(inputs, picks, strict=True):
            if value is not None:
                values[block_id] = {action_id or "a": value}
        values.update(junk)
        return values

    picks = (
        st.tuples(*(st.none() | input_value(world, kind) for _, _, kind in inputs)).map(list) if inputs else st.just([])
    )
    junk = st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.dictionaries(st.text(min_size=1, max_size=10), input_value(world, None), max_size=2),
        max_size=2,
    )
    return st.builds(assemble, picks, junk)


# ----- requests -------------------------------------------------------------------------------
def well_formed(world: World, listener: Listener, data: st.DataObject) -> tuple[bytes, str]:
    user = data.draw(st.sampled_from(world.actors), label="user")
    team = world.team_of[user]
    kind = listener.kind
    name = data.draw(st.sampled_from(listener.sample_ids()), label="id")
    if kind == "command":
        text = data.draw(hostile_text(world), label="text")
        return sr.command_form(
            command=name,
            text=text,
            user_id=user,
            team_id=team,
            channel_id="C0000GENERAL",
            response_url=world.fake.response_url(user),
        ), sr.FORM
    if kind == "event":
        event: dict[str, Any] = {
            "type": name,
            "user": user,
            "channel": world.fake.dm_channel(user),
            "tab": "home",
            "event_ts": "1700000000.000100",
        }
        if name == "message":  # a file shared in the bot's DM (handlers/events/csv_upload.py)
            shared = world.fake.share_file(user, "fuzz.csv", b"Date,Amount\n2026-12-01,10\n")
            event.update({k: shared[k] for k in ("subtype", "channel_type", "files")})
        event.update(
            data.draw(
                st.dictionaries(
                    st.sampled_from(["text", "tab", "view", "tokens", "files"]), hostile_json(world), max_size=2
                ),
                label="extra",
            )
        )
        return json.dumps(sr.event_envelope(team_id=team, event=event)).encode(), sr.JSON
    view = world.views.get(name) or data.draw(st.sampled_from([None, *world.views.values()]), label="view")
    if kind in ("view", "view_closed"):
        view = dict(view or {"type": "modal", "id": "V0000FUZZ", "blocks": []})
        view["callback_id"] = name
        view["private_metadata"] = data.draw(
            hostile_json(world) | st.just(view.get("private_metadata") or ""), label="meta"
        )[:3000]
        payload = sr.view_submission(
            team_id=team, user_id=user, view=view, values=data.draw(state_values(world, view), label="values")
        )
        if kind == "view_closed":
            payload["type"] = "view_closed"
        return sr.interaction_form(payload), sr.FORM
    if kind in ("shortcut", "message_shortcut"):
        if kind == "message_shortcut" or data.draw(st.booleans(), label="on a message"):
            message = {
                "type": "message",
                "ts": "1700000000.000200",
                "user": "U2",
                "text": data.draw(hostile_text(world), label="message"),
            }
            return sr.interaction_form(
                sr.message_shortcut(
                    team_id=team,
                    user_id=user,
                    callback_id=name,
                    channel_id="C0000GENERAL",
                    message=message,
                    response_url=world.fake.response_url(user),
                )
            ), sr.FORM
        return sr.interaction_form(sr.global_shortcut(team_id=team, user_id=user, callback_id=name)), sr.FORM
    if kind == "options":
        return sr.interaction_form(
            sr.block_suggestion(
                team_id=team,
                user_id=user,
                action_id=name,
                block_id="b",
                value=data.draw(hostile_text(world), label="query")[:1000],
                view=view,
            )
        ), sr.FORM
    action: dict[str, Any] = {
        "action_id": name,
        "block_id": "b",
        "type": data.draw(st.sampled_from(["button", "static_select", "overflow", "checkboxes"]), label="type"),
    }
    if action["type"] == "button":
        action["value"] = data.draw(hostile_json(world), label="value")[:2000]
    else:
        action["selected_option"] = {
            "value": data.draw(hostile_json(world), label="option")[:150],
            "text": {"type": "plain_text", "text": "x"},
        }
    if view is not None and data.draw(st.booleans(), label="in a view"):
        view = {
            **view,
            "private_metadata": data.draw(hostile_json(world), label="meta")[:3000],
            "state": {"values": data.draw(state_values(world, view), label="values")},
        }
        payload = sr.block_actions(
            team_id=team,
            user_id=user,
            action=action,
            response_url=None,
            view=view,
            container={"type": "view", "view_id": view.get("id")},
        )
    else:
        payload = sr.block_actions(
            team_id=team,
            user_id=user,
            action=action,
            response_url=world.fake.response_url(user),
            channel_id="C0000GENERAL",
            message={"type": "message", "ts": "1700000000.000300", "text": "x", "blocks": []},
            container={"type": "message", "message_ts": "1700000000.000300", "channel_id": "C0000GENERAL"},
        )
    return sr.interaction_form(payload), sr.FORM


BREAKAGES = [
    ("user id with markup", lambda p: _set(p, ["user", "id"], "U1>|<!channel")),
    ("user is a string", lambda p: _set(p, ["user"], "U1")),
    ("no user", lambda p: _drop(p, ["user"])),
    ("team id is a number", lambda p: _set(p, ["team", "id"], 12345)),
    ("action id too long", lambda p: _set(p, ["actions", 0, "action_id"], "a" * 300)),
    ("button value too long", lambda p: _set(p, ["actions", 0, "value"], "9" * 2001)),
    ("no actions", lambda p: _set(p, ["actions"], [])),
    ("private_metadata too long", lambda p: _set(p, ["view", "private_metadata"], "x" * 3001)),
    ("view id with a quote", lambda p: _set(p, ["view", "id"], "V1'--")),
    ("state values not a dict", lambda p: _set(p, ["view", "state", "values"], ["x"])),
    (
        "input value too long",
        lambda p: _set(p, ["view", "state", "values"], {"b": {"a": {"type": "plain_text_input", "value": "x" * 3001}}}),
    ),
    ("callback id too long", lambda p: _set(p, ["callback_id"], "c" * 300)),
    ("response_url elsewhere", lambda p: _set(p, ["response_url"], "https://evil.example/hook")),
    (
        "metadata URL elsewhere",
        lambda p: _set(p, ["view", "private_metadata"], json.dumps({"ru": "https://evil.example/x"})),
    ),
    ("event id with spaces", lambda p: _set(p, ["event_id"], "Ev 1; drop")),
    ("event is a list", lambda p: _set(p, ["event"], ["app_home_opened"])),
    ("event user is a number", lambda p: _set(p, ["event", "user"], 42)),
    ("search text too long", lambda p: _set(p, ["value"], "q" * 1001)),
]


def _set(payload: dict[str, Any], path: list[Any], value: Any) -> bool:
    target: Any = payload
    for key in path[:-1]:
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(target, dict) and path[-1] in target:
        target[path[-1]] = value
        return True
    if isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target):
        target[path[-1]] = value
        return True
    return False


def _drop(payload: dict[str, Any], path: list[Any]) -> bool:
    if path[0] in payload:
        del payload[path[0]]
        return True
    return False


def broken(world: World, listener: Listener, data: st.DataObject) -> tuple[bytes, str, str] | None:
    body, content_type = well_formed(world, listener, data)
    if listener.kind == "command":
        form = dict(parse_qsl(body.decode()))
        breakage = data.draw(st.sampled_from(["user_id", "team_id", "command", "text", "response_url"]), label="break")
        form[breakage] = {
            "user_id": "U1 <!here>",
            "team_id": "",
            "command": "visit",
            "text": "z" * 12_001,
            "response_url": "https://evil.example/r",
        }[breakage]
        return urlencode(form).encode(), content_type, breakage
    payload = json.loads(body) if content_type == sr.JSON else json.loads(parse_qs(body.decode())["payload"][0])
    applicable = [(label, fn) for label, fn in BREAKAGES if fn(json.loads(json.dumps(payload)))]
    if not applicable:
        return None
    label, fn = data.draw(st.sampled_from(applicable), label="break")
    fn(payload)
    if content_type == sr.JSON:
        return json.dumps(payload).encode(), content_type, label
    return sr.interaction_form(payload), content_type, label


# ----- the tests ------------------------------------------------------------------------------
def test_the_fuzzed_listeners_are_everything_the_manifest_declares() -> None:
    from tests.listener_catalog import manifest_surfaces

    registered = {f"{listener.constraint}" for listener in LISTENERS if isinstance(listener.constraint, str)}
    declared = {label.split(":", 1)[1] for label in manifest_surfaces()}
    assert declared <= registered


@pytest.mark.parametrize("listener", LISTENERS, ids=lambda listener: listener.label)
@FUZZ
@given(data=st.data())
def test_broken_shapes_are_answered_clearly_and_write_nothing(
    listener: Listener, world: World, failures: Failures, data: st.DataObject
) -> None:
    request = broken(world, listener, data)
    if request is None:
        return
    body, content_type, label = request
    failures.take()
    before = snapshot(world.db)
    sent = len(world.fake.calls)
    response = world.driver.send(body, content_type)
    # 200 (ignored, or a slash command's clear message); 400 when Bolt cannot even read it.
    assert response.status in (200, 400), (label, response.status, response.body[:300])
    assert not (failed := failures.take()), failed
    assert changed_tables(before, snapshot(world.db)) == [], label
    if response.status == 400:
        assert response.body == "Bad Request"
    elif listener.kind == "command":
        answer = response.json() or {}
        assert answer.get("response_type") == "ephemeral" and answer.get("text"), label
    else:
        assert response.body in ("", None), label
    assert [c.method for c in world.fake.calls[sent:] if c.method != "auth.test"] == [], label


@pytest.mark.parametrize("listener", LISTENERS, ids=lambda listener: listener.label)
@FUZZ
@given(data=st.data())
def test_hostile_values_never_crash_and_an_apology_means_nothing_was_written(
    listener: Listener, world: World, failures: Failures, data: st.DataObject
) -> None:
    body, content_type = well_formed(world, listener, data)
    failures.take()
    before = snapshot(world.db, skip=BOOKKEEPING)
    messages = len(world.fake.messages)
    calls = len(world.fake.calls)
    response = world.driver.send(body, content_type)
    assert response.status == 200, response.body[:300]
    failed = failures.take()
    # An exception that escaped the listener left the user with no answer at all.
    escaped = [f for f in failed if not f.startswith("handlers: listener failed")]
    assert not escaped, escaped
    with world.fake._lock:
        new = [m.text for m in world.fake.messages[messages:]] + [response.body or ""]
    apologies = [text for text in new if any(text.startswith(e) for e in error_texts())]
    if failed:
        # Caught by `@listener`: the user got the generic apology with their text back. That is
        # an answer, but a vague one: listed in the warnings summary for the area's owner.
        assert apologies, failed
        warnings.warn(FuzzFinding(f"{listener.label}: {failed[0]}"), stacklevel=1)
    if apologies:
        assert changed_tables(before, snapshot(world.db, skip=BOOKKEEPING)) == [], apologies
    # Every message we sent was valid. A hostile payload may name a message or channel that does
    # not exist (a forged ts): Slack's "not found" then says so about the target, not the content.
    bad = [
        c
        for c in world.fake.calls[calls:]
        if not c.response.get("ok", True)
        and c.method != "users.info"
        and c.response.get("error") not in TARGET_NOT_FOUND
    ]
    assert not bad, [(c.method, c.response) for c in bad]

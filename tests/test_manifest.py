"""app_manifest.yml is valid for Slack and declares exactly what the code listens to and calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot.core.settings import Settings
from runtime.app import build_app

ROOT = Path(__file__).resolve().parents[1]
# Vendored with its licence and origin (tests/vendor/slack/README.md): a clone needs nothing beside it.
SCHEMA = ROOT / "tests" / "vendor" / "slack" / "manifest.schema.1.0.0.json"

# Web API method (as called through slack_sdk's WebClient) → the bot scope it needs.
METHOD_SCOPES = {
    # chat:write.public: a team's digest channel may be any public channel, invited or not.
    "chat_postMessage": ("chat:write", "chat:write.public"),
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "users_info": "users:read",
    "conversations_open": "im:write",
    # Reading history finds a scheduled message a crashed run may have posted (scheduler/sender.py):
    # in DMs, public and private channels.
    "conversations_history": ("im:history", "channels:history", "groups:history"),
    "conversations_replies": ("im:history", "channels:history", "groups:history"),
    "files_upload_v2": "files:write",
    "files_info": "files:read",  # a CSV an admin sends to the bot's DM (handlers/events/csv_upload.py)
    "usergroups_users_list": "usergroups:read",
    # Slack's own "away" signals hold scheduled messages (scheduler/away.py).
    "dnd_info": "dnd:read",
    "users_profile_get": "users.profile:read",
    "chat_getPermalink": None,
    "views_open": None,
    "views_push": None,
    "views_update": None,
    "views_publish": None,
    "auth_test": None,
    "api_test": None,  # the start-up check of SLACK_API_URL in OAuth mode (runtime/app.py check_slack)
}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def test_manifest_matches_slack_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest(), schema)


def test_http_mode_has_request_urls() -> None:
    m = manifest()
    if m["settings"].get("socket_mode_enabled"):
        return
    for command in m["features"].get("slash_commands", []):
        assert command.get("url", "").endswith("/slack/events"), command["command"]
    assert m["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    if "event_subscriptions" in m["settings"]:
        assert m["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")


def _listener_constraints() -> tuple[set[str], set[str], set[str]]:
    """The commands, shortcut callback ids and event types the app registers listeners for.

    Read from Bolt's built-in matchers (their qualified name says which kind; their closure
    holds the constraint), so the test follows the code rather than a second list.
    """
    app = build_app(
        Settings(slack_bot_token="xoxb-x", slack_signing_secret="s", database_url="sqlite://"), token_verification=False
    )
    found: dict[str, set[str]] = {"command": set(), "shortcut": set(), "event": set()}
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            kind = getattr(func, "__qualname__", "").split(".<locals>")[0]
            values = [c.cell_contents for c in (getattr(func, "__closure__", None) or ())]
            for value in values:
                if isinstance(value, dict):
                    value = value.get("callback_id") or value.get("type")
                if not isinstance(value, str):
                    continue
                if kind == "command":
                    found["command"].add(value)
                elif kind in ("shortcut", "global_shortcut", "message_shortcut"):
                    found["shortcut"].add(value)
                elif kind == "event":
                    found["event"].add(value)
    return found["command"], found["shortcut"], found["event"]


def test_every_declared_command_shortcut_and_event_has_a_listener_and_back() -> None:
    m = manifest()
    declared_commands = {c["command"] for c in m["features"].get("slash_commands", [])}
    declared_shortcuts = {s["callback_id"] for s in m["features"].get("shortcuts", [])}
    declared_events = set(m["settings"].get("event_subscriptions", {}).get("bot_events", []))
    # Slack's message.im (.channels, …) subscriptions all deliver events of type "message".
    declared_events = {e.partition(".")[0] if e.startswith("message.") else e for e in declared_events}
    commands, shortcuts, events = _listener_constraints()
    assert declared_commands == commands
    assert declared_shortcuts == shortcuts
    assert declared_events == events


def test_scopes_are_exactly_those_the_code_needs() -> None:
    code = "\n".join(
        p.read_text()
        for d in ("handlers", "scheduler", "bot")
        for p in (ROOT / d).rglob("*.py")
        if "devtools" not in p.parts
    )
    called = set(re.findall(r"\bclient\.([a-z]+_[A-Za-z_]+)\(", code))
    called |= set(re.findall(r"\.(files_upload_v2|conversations_history|usergroups_users_list)\(", code))
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add these methods to METHOD_SCOPES: {unknown}"
    needed: set[str] = set()
    for method in called:
        scope = METHOD_SCOPES[method]
        needed.update((scope,) if isinstance(scope, str) else scope or ())
    m = manifest()
    if m["features"].get("slash_commands"):
        needed.add("commands")
    if m["features"].get("shortcuts"):
        needed.add("commands")
    assert set(m["oauth_config"]["scopes"]["bot"]) == needed

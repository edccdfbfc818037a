"""The shell's command loop: type as a Slack user, see what the app answers, press its buttons.

Everything the user does goes to the real Bolt app as a signed request (slash commands,
button presses, modal submissions, shortcuts, App Home events), and everything the app says
comes back through its real Web API client into the fake Slack. After each request the shell
waits until every listener has finished, then shows what the current user now sees: new
ephemerals and DMs, channel posts (threads under their parent), modals with their fields, and
the App Home; what went to other people is summarised in one line. Slack's rejections
(invalid blocks, unknown methods) are shown too, since real Slack would reject them the same way.
"""

from __future__ import annotations

import difflib
import logging
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import ManualClock, zone
from bot.core.i18n import Lang, format_day, lang_for, plural, t
from dev import slack_requests as sr
from dev.driver import Driver, Response
from dev.fake_slack import Call, FakeSlack, Message
from dev.shell.forms import FieldError, describe_state, element_options, initial_state, parse_value
from dev.shell.render import INDENT, Field, Rendered, Renderer, Surface, Target, display_width, pad
from dev.shell.timeline import due_instants, holidays_reached
from dev.shell.timeparse import parse_clock_target
from runtime.app import services_of
from storage.models import Person

Json = dict[str, Any]

HELP = """\
Type a slash command as the current user (e.g. /coach help), or a shell command:
  N  or :press N        press button [N]          :pick N M|text     choose in menu [N]
  :set F value          fill modal field (F)      :submit  :cancel   send or close the modal
  :as USER              act as someone else       :users             who is who (role, zone)
  :home                 open the App Home         :inbox [N]         your last N direct messages
  :channel [#name]      read a channel            :shortcut ID [msg] run a shortcut
  :time [+2h|18:00|ISO] show or move the clock    :jobs [run NAME]   scheduled jobs
  :show                 show the last screen      :help  :quit        this list; leave"""

COMMANDS = (
    "press",
    "pick",
    "set",
    "submit",
    "cancel",
    "as",
    "users",
    "home",
    "inbox",
    "channel",
    "shortcut",
    "time",
    "jobs",
    "show",
    "help",
    "quit",
    "exit",
)


class ShellError(Exception):
    """Bad input to the shell; the message is shown as one line."""


@dataclass
class Batch:
    """One screenful: lines, and the buttons they number (on from 1 across its surfaces)."""

    lines: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    surfaces: list[tuple[str, Surface]] = field(default_factory=list)
    printed: int = 0  # lines already printed (a `:time` move prints step by step)

    @property
    def next_number(self) -> int:
        return len(self.targets) + 1

    def add(self, rendered: Rendered, heading: str | None = None, surface: Surface | None = None) -> None:
        self.lines.extend(rendered.lines)
        self.targets.extend(rendered.targets)
        if heading is not None and surface is not None:
            self.surfaces.append((heading, surface))


def manifest_names(path: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """Slash commands, and shortcut callback ids with their type (global or message), as
    declared in app_manifest.yml (empty when the file is not next to the package)."""
    path = path or Path(__file__).resolve().parents[2] / "app_manifest.yml"
    if not path.exists():
        return [], {}
    text = path.read_text(encoding="utf-8")
    commands = re.findall(r"^\s*-?\s*command:\s*(/\S+)", text, re.M)
    shortcuts: dict[str, str] = {}
    for item in re.split(r"^\s*-\s", text, flags=re.M):  # one list item at a time
        callback = re.search(r"^\s*callback_id:\s*([\w.:-]+)", item, re.M)
        kind = re.search(r"^\s*type:\s*(global|message)\b", item, re.M)
        if callback:
            shortcuts[callback.group(1)] = kind.group(1) if kind else "global"
    return commands, shortcuts


class Shell:
    """One terminal session: the current user, what is on screen, and the commands.

    `handle(line)` runs one line (never raising); `run(lines)` runs a script. Numbered buttons
    (`targets`) and modal fields (`fields`) always refer to the last screen shown.
    """

    def __init__(
        self,
        *,
        app: App,
        driver: Driver,
        fake: FakeSlack,
        clock: ManualClock,
        user_id: str,
        out: TextIO,
        channels: dict[str, str] | None = None,
        channel_id: str = "C0000GENERAL",
        files_dir: Path | None = None,
        color: bool = False,
        app_errors: list[str] | None = None,
    ) -> None:
        self.app = app
        self.driver = driver
        self.fake = fake
        self.clock = clock
        self.user_id = user_id
        self.out = out
        self.channels = dict(channels or {"C0000GENERAL": "general"})
        self.channel_id = channel_id
        self.files_dir = files_dir or Path.cwd() / "pipeline-coach-files"
        self.renderer = Renderer(
            user_name=self.user_name, channel_name=self.channel_name, color=color, lang=self.slack_lang
        )
        self.targets: list[Target] = []
        self.fields: list[Field] = []
        self.surfaces: list[tuple[str, Surface]] = []
        self.modals: list[Json] = []  # the modal stack, top last
        self.values: dict[str, dict[str, dict[str, Json]]] = {}  # view id → block → action → state
        self.errors: dict[str, dict[str, str]] = {}
        self.home: Json | None = None
        self.known: set[tuple[str, str]] = set()
        self.shown: set[tuple[str, str]] = set()
        self.arrived: dict[tuple[str, str], datetime] = {}  # shell-clock time of each message
        self.call_cursor = 0
        self.app_errors: list[str] = app_errors if app_errors is not None else []
        self.running = True
        self.commands, self.shortcuts = manifest_names()
        self._skip_existing()

    # ----- names --------------------------------------------------------------------------
    def user_name(self, user_id: str) -> str:
        user = self.fake.users.get(user_id)
        return user.name if user else user_id

    def slack_lang(self) -> Lang:
        """The current user's Slack client language (what Slack draws its own words in)."""
        user = self.fake.users.get(self.user_id)
        return lang_for(user.locale if user else None)

    def channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            owner = self._dm_owner(channel_id)
            return f"DM {self.user_name(owner)}" if owner else channel_id
        return self.channels.get(channel_id, channel_id)

    def _dm_owner(self, channel: str) -> str | None:
        for user_id in list(self.fake.users):
            if self.fake.dm_channel(user_id) == channel:
                return user_id
        return None

    def find_user(self, query: str) -> str | None:
        """A user by id, full name, or any word of the name (case-insensitive, unique)."""
        q = query.strip().lstrip("@").casefold()
        if not q:
            return None
        users = list(self.fake.users.values())
        for user in users:
            if user.id.casefold() == q or user.name.casefold() == q:
                return user.id
        hits = [u.id for u in users if any(w.casefold().startswith(q) for w in user_words(u.name))]
        if not hits:
            hits = [u.id for u in users if q in u.name.casefold()]
        return hits[0] if len(hits) == 1 else None

    def prompt(self) -> str:
        person = self.fake.users.get(self.user_id)
        local = self.clock.now().astimezone(zone(person.tz if person else "UTC"))
        name = user_words(self.user_name(self.user_id))[0]
        modal = " [modal]" if self.modals else ""
        return f"{name} {local:%a %H:%M}{modal} › "

    # ----- output -------------------------------------------------------------------------
    def say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.out)
        self.out.flush()

    def hint(self, text: str) -> None:
        self.say(self.renderer.dim(text))

    # ----- the loop -----------------------------------------------------------------------
    def run(self, lines: Iterable[str], *, echo: bool) -> int:
        for raw in lines:
            line = raw.rstrip("\n")
            if echo:
                self.say(self.prompt() + line)
            self.handle(line)
            if not self.running:
                break
        return 0

    def handle(self, line: str) -> None:
        """Run one line; any failure becomes a one-line message, never a crash."""
        line = line.strip()
        if not line or line.startswith("#"):
            return
        try:
            self._dispatch(line)
        except (ShellError, FieldError) as exc:
            self.say(f"  {exc}")
        except TimeoutError:
            self.say("  the app is still busy after 15 s; try :show in a moment")
        except Exception as exc:  # the shell must survive anything the app or a renderer does
            self.say(f"  error: {type(exc).__name__}: {exc}")

    def _dispatch(self, line: str) -> None:
        if line.isdigit():
            self.cmd_press(line)
            return
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            self.slash(command, text.strip())
            return
        if not line.startswith(":"):
            raise ShellError(
                "To talk to the app type a slash command (e.g. /coach help); :help lists the shell commands."
            )
        word, _, rest = line[1:].partition(" ")
        name = word.lower()
        if name not in COMMANDS:
            close = difflib.get_close_matches(name, COMMANDS, n=1)
            suggestion = f" Did you mean :{close[0]}?" if close else ""
            raise ShellError(f"Unknown command :{word}.{suggestion} :help lists the commands.")
        getattr(self, "cmd_" + {"exit": "quit"}.get(name, name))(rest.strip())

    # ----- talking to the app -------------------------------------------------------------
    def slash(self, command: str, text: str) -> None:
        response = self.driver.command(self.user_id, command, self.slack_text(text), channel_id=self.channel_id)
        if response.status == 404:
            known = " ".join(self.commands) or "none"
            raise ShellError(f"The app has no listener for {command}. Commands: {known}")
        self._show_ack(response)
        self.flush()

    def slack_text(self, text: str) -> str:
        """Mentions as Slack sends them: @li → <@ULIWEI01|li.wei>, #sales-team → <#C…|sales-team>."""

        def user(match: re.Match[str]) -> str:
            uid = self.find_user(match.group(1))
            return f"<@{uid}|{handle(self.user_name(uid), uid)}>" if uid else match.group(0)

        def channel(match: re.Match[str]) -> str:
            for cid, name in self.channels.items():
                if name == match.group(1):
                    return f"<#{cid}|{name}>"
            return match.group(0)

        text = re.sub(r"(?<![\w<])@([\w.\-]+)", user, text)
        return re.sub(r"(?<![\w<&])#([\w\-]+)", channel, text)

    def _show_ack(self, response: Response) -> None:
        """A listener that answered in its ack (text or blocks) is shown like an ephemeral."""
        if response.status >= 400:
            raise ShellError(f"the app answered HTTP {response.status}: {response.body[:200]}")
        body = response.json()
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            batch = Batch()
            data = {**body, "channel": self.channel_id, "ephemeral": True}
            rendered = self.renderer.message(
                f"#{self.channel_name(self.channel_id)} · {t(self.slack_lang(), 'shell.only_you')}", data
            )
            batch.add(rendered, rendered.lines[0], Surface("message", data))
            self._print_batch(batch)
        elif response.body and not isinstance(body, dict):
            self.say(INDENT + response.body)

    def _send_interaction(self, payload: Json, *, wait: bool = True) -> Response:
        return self.driver.send(sr.interaction_form(payload), sr.FORM, wait=wait)

    def _action_payload(self, target: Target, action: Json) -> Json:
        """A block_actions payload for `target` (Driver.click's shape, for any element type,
        with the modal's typed values in `view.state` as Slack sends them)."""
        action = {"action_id": target.element.get("action_id"), "block_id": target.block_id, **action}
        surface = target.surface
        if surface.kind in ("modal", "home"):
            view = self._view_with_state(surface.data) if surface.kind == "modal" else surface.data
            return sr.block_actions(
                team_id=self.driver.team_id,
                user_id=self.user_id,
                action=action,
                response_url=None,
                view=view,
                container={"type": "view", "view_id": view.get("id")},
            )
        message = surface.data
        channel = message.get("channel") or self.channel_id
        ts = message.get("ts") or "1700000000.000001"
        return sr.block_actions(
            team_id=self.driver.team_id,
            user_id=self.user_id,
            action=action,
            response_url=self.fake.response_url(self.user_id, channel),
            channel_id=channel,
            message={"type": "message", "ts": ts, "text": message.get("text", ""), "blocks": message.get("blocks")},
            container={
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": bool(message.get("ephemeral")),
            },
        )

    # ----- buttons and menus --------------------------------------------------------------
    def _target(self, number: str) -> Target:
        if not number.isdigit():
            raise ShellError(f"{number!r} is not a button number")
        n = int(number)
        if not self.targets:
            raise ShellError("Nothing to press: no buttons on screen.")
        if not 1 <= n <= len(self.targets):
            raise ShellError(f"There is no [{n}]; the buttons on screen are [1]–[{len(self.targets)}].")
        return self.targets[n - 1]

    def cmd_press(self, rest: str) -> None:
        if not rest:
            raise ShellError("Usage: :press N (or just type N)")
        target = self._target(rest.split()[0])
        element = target.element
        kind = element.get("type")
        if kind != "button":
            options = element_options(element)
            listing = "  ".join(f"{i}) {self.renderer.text(o.get('text'))}" for i, o in enumerate(options, 1))
            raise ShellError(f"[{rest}] is a menu: :pick {rest} <choice>" + (f"   {listing}" if listing else ""))
        if element.get("url"):
            self.hint(f"  (opens {element['url']})")
        if element.get("confirm"):
            confirm = element["confirm"]
            self.hint(f"  confirm: {self.renderer.text(confirm.get('text'))} → yes")
        action = {"type": "button", "value": element.get("value", ""), "text": element.get("text")}
        self._send_interaction(self._action_payload(target, action))
        self.flush()

    def cmd_pick(self, rest: str) -> None:
        number, _, choice = rest.partition(" ")
        target = self._target(number)
        if target.element.get("type") == "button":
            raise ShellError(f"[{number}] is a button: type {number} to press it")
        if not choice.strip():
            raise ShellError(f"Usage: :pick {number} <option number or text>")
        state = self._parse(target.element, choice, target.block_id, target.surface)
        self._send_interaction(self._action_payload(target, state))
        self.flush()

    def _parse(self, element: Json, raw: str, block_id: str | None, surface: Surface | None) -> Json:
        person = self.fake.users.get(self.user_id)
        tz = person.tz if person else "UTC"
        return parse_value(
            element,
            raw,
            today=self.clock.now().astimezone(zone(tz)).date(),
            tz=tz,
            find_user=self.find_user,
            search=lambda query: self._suggest(element, block_id, surface, query),
        )

    def _suggest(self, element: Json, block_id: str | None, surface: Surface | None, query: str) -> list[Json]:
        """Ask the app for an external select's options, as Slack does while the user types."""
        view = self._view_with_state(surface.data) if surface and surface.kind == "modal" else None
        payload = sr.block_suggestion(
            team_id=self.driver.team_id,
            user_id=self.user_id,
            action_id=str(element.get("action_id")),
            block_id=str(block_id or ""),
            value=query,
            view=view,
        )
        body = self._send_interaction(payload, wait=False).json() or {}
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    # ----- modals -------------------------------------------------------------------------
    def _top(self) -> Json:
        if not self.modals:
            raise ShellError("No modal is open.")
        return self.modals[-1]

    def _values_of(self, view: Json) -> dict[str, dict[str, Json]]:
        """Every input's state, typed or initial, keyed as in `view.state.values`."""
        typed = self.values.get(str(view.get("id")), {})
        values: dict[str, dict[str, Json]] = {}
        for block in view.get("blocks") or []:
            if block.get("type") != "input":
                continue
            element = block.get("element") or {}
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            values[block_id] = {action_id: (typed.get(block_id) or {}).get(action_id) or initial_state(element)}
        return values

    def _view_with_state(self, view: Json) -> Json:
        return {**view, "state": {"values": self._values_of(view)}}

    def _field(self, text: str) -> tuple[Field, str]:
        """The field a `:set` names (number, block id, action id or label) and the value."""
        if not self.fields:
            raise ShellError("This modal has no fields to fill.")
        first, _, rest = text.partition(" ")
        if first.isdigit():
            n = int(first)
            if not 1 <= n <= len(self.fields):
                raise ShellError(f"There is no field ({n}); the fields are (1)–({len(self.fields)}).")
            return self.fields[n - 1], rest
        if "=" in text:
            name, _, value = text.partition("=")
            hit = self._field_named(name.strip())
            if hit:
                return hit, value
        for f in sorted(self.fields, key=lambda f: -len(f.label)):
            label = f.label.casefold()
            if label and text.casefold().startswith(label) and text[len(label) : len(label) + 1] in ("", " ", ":"):
                return f, text[len(label) :].lstrip(" :")
        hit = self._field_named(first)
        if hit:
            return hit, rest
        names = ", ".join(f"({f.number}) {f.label}" for f in self.fields)
        raise ShellError(f"No field {first!r}. Fields: {names}")

    def _field_named(self, name: str) -> Field | None:
        low = name.casefold()
        for f in self.fields:
            if low in (f.block_id.casefold(), f.action_id.casefold(), f.label.casefold()):
                return f
        hits = [f for f in self.fields if f.label.casefold().startswith(low)]
        return hits[0] if len(hits) == 1 else None

    def cmd_set(self, rest: str) -> None:
        view = self._top()
        if not rest:
            raise ShellError("Usage: :set <field number, id or label> <value>   (empty value clears it)")
        f, raw = self._field(rest)
        surface = Surface("modal", view)
        state = self._parse(f.element, raw, f.block_id, surface)
        view_values = self.values.setdefault(str(view.get("id")), {})
        view_values[f.block_id] = {f.action_id: state}
        self.errors.get(str(view.get("id")), {}).pop(f.block_id, None)
        first, *more = (describe_state(state, self.user_name, self.channel_name) or "(empty)").splitlines()
        self.say(INDENT + self.renderer.bold(f"({f.number})") + f" {f.label}: {first}")
        self.say(*(INDENT + "     " + line for line in more))
        if f.dispatch_action:
            target = Target(element=f.element, block_id=f.block_id, surface=surface)
            self._send_interaction(self._action_payload(target, state))
            self.flush()

    def cmd_submit(self, rest: str) -> None:
        view = self._top()
        if not view.get("submit"):
            raise ShellError("This modal has no submit button; :cancel closes it.")
        values = self._values_of(view)
        missing = {
            f.block_id: "Please complete this required field."
            for f in self.fields
            if not f.optional and not describe_state(values.get(f.block_id, {}).get(f.action_id) or {})
        }
        if missing:  # Slack's client refuses to submit these, without asking the app
            self.errors[str(view.get("id"))] = missing
            self._render_modal(Batch())
            return
        response = self.driver.submit(self.user_id, view, values)
        if response.status >= 400:
            raise ShellError(f"the app answered HTTP {response.status}: {response.body[:200]}")
        body = response.json() if response.body else None
        action = body.get("response_action") if isinstance(body, dict) else None
        view_id = str(view.get("id"))
        if action == "errors":
            self.errors[view_id] = {str(k): str(v) for k, v in (body.get("errors") or {}).items()}  # type: ignore[union-attr]
            self.say(INDENT + "The app did not accept this yet:")
            self._render_modal(Batch())
            return
        if action == "update":
            self.modals[-1] = {**body["view"], "id": view_id}  # type: ignore[index]
        elif action == "push":
            pushed = {**body["view"], "id": f"V{view_id}P{len(self.modals)}"}  # type: ignore[index]
            with self.fake._lock:
                self.fake.views[pushed["id"]] = pushed
            self.modals.append(pushed)
        elif action == "clear":
            self.modals.clear()
        else:
            self.modals.pop()
        self.flush(modal_changed=True)
        if not self.modals and action in (None, "clear"):
            self.hint("  (modal closed)")

    def cmd_cancel(self, rest: str) -> None:
        view = self._top()
        if view.get("notify_on_close"):
            payload = {
                "type": "view_closed",
                "team": {"id": self.driver.team_id, "domain": "fake"},
                "user": {"id": self.user_id, "team_id": self.driver.team_id},
                "api_app_id": "A0FAKEAPP",
                "token": "legacy-verification-token",
                "view": self._view_with_state(view),
                "is_cleared": False,
            }
            self._send_interaction(payload)
        self.modals.pop()
        self.hint("  (modal closed)")
        self.flush(modal_changed=bool(self.modals))

    # ----- views of the workspace ----------------------------------------------------------
    def cmd_home(self, rest: str) -> None:
        before = len(self.fake.calls_to("views.publish"))
        response = self.driver.open_home(self.user_id)
        self.flush()
        if len(self.fake.calls_to("views.publish")) == before:
            note = "no listener for app_home_opened" if response.status == 404 else "it published nothing"
            self.hint(f"  The app did not publish an App Home ({note}).")

    def cmd_inbox(self, rest: str) -> None:
        count = int(rest) if rest.isdigit() else 5
        messages = self.fake.dms_to(self.user_id)[-count:]
        if not messages:
            self.hint(f"  No direct messages to {self.user_name(self.user_id)} yet.")
            return
        batch = Batch()
        for message in messages:
            self._add_message(batch, message, heading=f"DM from Pipeline Coach · {self._when(message)}")
        self._print_batch(batch)

    def cmd_channel(self, rest: str) -> None:
        name = rest.strip().lstrip("#")
        digest = next((cid for cid, n in self.channels.items() if n != "general"), self.channel_id)
        channel = next((cid for cid, n in self.channels.items() if n == name or cid == name), None)
        if name and channel is None:
            raise ShellError(f"No channel #{name}. Channels: " + ", ".join("#" + n for n in self.channels.values()))
        channel = channel or digest
        messages = [m for m in self.fake.messages_in(channel) if not m.ephemeral]
        top = [m for m in messages if not m.thread_ts or m.thread_ts == m.ts][-3:]
        if not top:
            self.hint(f"  Nothing posted in #{self.channel_name(channel)} yet.")
            return
        batch = Batch()
        for message in top:
            self._add_message(batch, message, heading=f"#{self.channel_name(channel)} · {self._when(message)}")
            for reply in (m for m in messages if m.thread_ts == message.ts and m.ts != message.ts):
                self._add_message(batch, reply, heading="↳ reply in thread", indent=True)
        self._print_batch(batch)

    def cmd_show(self, rest: str) -> None:
        if self.modals:
            self._render_modal(Batch(), print_now=True)
            return
        if not self.surfaces:
            self.hint("  Nothing shown yet.")
            return
        batch = Batch()
        for heading, surface in self.surfaces:
            if surface.kind == "message":
                rendered = self.renderer.message(heading.removeprefix("▸ "), surface.data, first=batch.next_number)
            else:
                rendered = self.renderer.view(surface.data, first=batch.next_number)
            batch.add(rendered, heading, surface)
        self._print_batch(batch)

    def _when(self, message: Message) -> str:
        """The shell-clock time the message arrived, in the current user's zone."""
        at = self.arrived.get((message.channel, message.ts))
        return self._local(at) if at else "earlier"

    # ----- people and shortcuts ------------------------------------------------------------
    def cmd_as(self, rest: str) -> None:
        if not rest:
            raise ShellError("Usage: :as <user id or name>   (:users lists them)")
        user_id = self.find_user(rest)
        if user_id is None and re.fullmatch(r"[UW][A-Z0-9]{2,31}", rest.strip()):
            user_id = rest.strip()  # someone new, by Slack id: the app meets them on their first request
            self.fake.add_user(user_id, user_id)
        if user_id is None:
            raise ShellError(f"No single user matches {rest!r}; :users lists them (or give a new id: :as U0NEW).")
        if self.modals:
            self.modals.clear()
            self.hint("  (the open modal was closed)")
        self.user_id = user_id
        self.targets, self.fields, self.surfaces, self.home = [], [], [], None
        user = self.fake.users[user_id]
        role = self._roles().get(user_id, "?")
        self.say(f"  Now acting as {user.name} ({role}, {user.tz}, {user.locale}).")
        unread = [m for m in self.fake.dms_to(user_id) if (m.channel, m.ts) not in self.shown]
        if unread:
            unseen = plural("en", len(unread), one="# direct message", other="# direct messages")
            self.hint(f"  {unseen} not shown yet: :inbox {len(unread)}")

    def _roles(self) -> dict[str, str]:
        services = services_of(self.app)
        with services.db.transaction() as session:
            rows = session.execute(
                select(Person.slack_user_id, Person.role).where(Person.team_id == self.driver.team_id)
            ).all()
        return {user_id: role for user_id, role in rows}

    def cmd_users(self, rest: str) -> None:
        roles = self._roles()
        now = self.clock.now()
        width = max((display_width(u.name) for u in self.fake.users.values()), default=10)
        for user in self.fake.users.values():
            mark = "▸" if user.id == self.user_id else " "
            local = now.astimezone(zone(user.tz))
            self.say(
                f" {mark} {pad(user.name, width)}  {user.id:<10} {roles.get(user.id, '-'):<8} "
                f"{user.tz:<17} {user.locale:<6} {local:%a %H:%M}"
            )
        self.hint("  :as NAME switches (a first name is enough)")

    def cmd_shortcut(self, rest: str) -> None:
        known = ", ".join(f"{name} ({kind})" for name, kind in self.shortcuts.items()) or "none declared"
        if not rest:
            raise ShellError(f"Usage: :shortcut <callback_id> [message text]   Shortcuts: {known}")
        callback_id, _, text = rest.partition(" ")
        message = self._shortcut_message(callback_id, text.strip())
        if message is not None:
            channel = str(message.pop("channel", None) or self.channel_id)
            response = self.driver.message_shortcut(self.user_id, callback_id, message, channel_id=channel)
        else:
            response = self.driver.shortcut(self.user_id, callback_id)
        if response.status == 404:
            raise ShellError(f"The app has no listener for the shortcut {callback_id!r}. Shortcuts: {known}")
        self._show_ack(response)
        self.flush()

    def _shortcut_message(self, callback_id: str, text: str) -> Json | None:
        """The message a message shortcut runs on: the text given (as if the user had posted
        it), else the last message shown; None for a global shortcut."""
        if text:
            ts = f"{self.clock.now().timestamp():.6f}"
            return {"type": "message", "text": text, "ts": ts, "user": self.user_id}
        if self.shortcuts.get(callback_id) != "message":
            return None
        shown = [s.data for _, s in self.surfaces if s.kind == "message"]
        if not shown:
            raise ShellError(f"{callback_id} runs on a message: :shortcut {callback_id} <message text>")
        last = shown[-1]
        return {
            "type": "message",
            "text": last.get("text", ""),
            "ts": last.get("ts"),
            "user": self.fake.bot_user_id,
            "channel": last.get("channel"),
        }

    # ----- time and the scheduler -----------------------------------------------------------
    def cmd_time(self, rest: str) -> None:
        now = self.clock.now()
        if rest:
            person = self.fake.users.get(self.user_id)
            target = parse_clock_target(rest, now, person.tz if person else "UTC")
            self.clock.set(target)
            self.say(INDENT + self.clock_line())
            if target > now:
                self._run_due(now, target)
            return
        self.say(INDENT + self.clock_line())
        self.hint("  move it: :time +2h · :time +1d · :time 18:00 · :time 2026-11-24T08:45+08:00")

    def clock_line(self) -> str:
        now = self.clock.now()
        zones = list(dict.fromkeys(user.tz for user in self.fake.users.values())) or ["UTC"]
        me = self.fake.users.get(self.user_id)
        parts = []
        for tz in zones:
            local = now.astimezone(zone(tz))
            label = f"{local:%a %d %b %H:%M} {tz.split('/')[-1].replace('_', ' ')}"
            parts.append(self.renderer.bold(label) if me and tz == me.tz else label)
        return "🕘 " + " · ".join(parts)

    def _scheduler(self) -> Any:
        try:
            import scheduler.service as service
        except ImportError:
            return None
        return service

    def _run_due(self, start: datetime, end: datetime) -> None:
        """Run the scheduler's due jobs for the time that passed, step by step, so messages
        fire in order; each step that sent something is shown under its time."""
        service = self._scheduler()
        run_due = getattr(service, "run_due_jobs", None)
        if run_due is None:
            self.hint("  (the scheduler is not available yet, so nothing scheduled runs)")
            return
        services = services_of(self.app)
        screen = Batch()  # one numbering for everything the move shows
        total = 0
        with services.db.transaction() as session:
            exact = due_instants(session, start, end)
            holidays = self._holidays(session, start, end)
        for at in sorted({*exact, *steps(start, end, most=6), *holidays}):
            if at in holidays:
                self.flush(batch=screen)
                self.say(INDENT + holidays[at])
            self.clock.set(at)
            results = run_due(services, self.app.client, at) or {}
            self.driver.wait_idle()
            sent = sum(n for n in results.values() if n > 0)
            failed = [name for name, n in results.items() if n < 0]
            total += sent
            if sent or failed:
                note = f" · failed: {', '.join(failed)}" if failed else ""
                self.flush(heading=f"🕘 {self._local(at)}{note}", batch=screen)
        self.clock.set(end)
        self.flush(batch=screen)
        if not total:
            self.hint("  (no scheduled message fell due)")

    def _holidays(self, session: Session, start: datetime, end: datetime) -> dict[datetime, str]:
        """The workspace holidays the current user's local calendar enters in (start, end], as
        the line announcing each, keyed by the instant it begins."""
        person = session.scalars(select(Person).where(Person.slack_user_id == self.user_id)).first()
        if person is None:
            return {}
        lang = self.slack_lang()
        return {
            h.at: t(lang, "shell.holiday", day=format_day(lang, h.day), name=h.name)
            for h in holidays_reached(session, person.team_id, person.tz, start, end)
        }

    def _local(self, at: datetime) -> str:
        person = self.fake.users.get(self.user_id)
        return f"{at.astimezone(zone(person.tz if person else 'UTC')):%a %d %b %H:%M}"

    def cmd_jobs(self, rest: str) -> None:
        try:
            from scheduler.registry import load_jobs
        except ImportError:
            raise ShellError("The scheduler is not available.") from None
        jobs = load_jobs()
        words = shlex.split(rest)
        if words and words[0] == "run":
            if len(words) < 2:
                raise ShellError("Usage: :jobs run NAME")
            name = words[1]
            if name not in jobs:
                raise ShellError(f"No job {name!r}. Jobs: {', '.join(sorted(jobs)) or 'none yet'}")
            run_job = getattr(self._scheduler(), "run_job", None)
            if run_job is None:
                raise ShellError("The scheduler cannot run jobs yet (scheduler.service.run_job is missing).")
            sent = run_job(services_of(self.app), self.app.client, name, self.clock.now())
            self.driver.wait_idle()
            messages = plural("en", sent, one="# message", other="# messages")
            self.say(INDENT + f"{name} at {self._local(self.clock.now())}: {messages} sent")
            self.flush()
            return
        if words:
            raise ShellError("Usage: :jobs   or   :jobs run NAME")
        if not jobs:
            self.hint("  No scheduled jobs are registered yet.")
            return
        width = max(len(n) for n in jobs)
        started = self._last_started()
        for name, job in sorted(jobs.items()):
            minutes = int(job.interval.total_seconds() // 60)
            last = started.get(name)
            ran = f"last ran {self._local(last)}" if last else "not run yet"
            self.say(INDENT + f"{name:<{width}}  every {minutes:>3} min  {ran:<25}  {job.description}")
        self.hint("  :jobs run NAME runs one at the shell's clock; :time +1h runs whatever falls due")

    def _last_started(self) -> dict[str, datetime]:
        service = self._scheduler()
        if service is None or not hasattr(service, "last_started"):
            return {}
        return {k: v for k, v in service.last_started(services_of(self.app).db).items() if v is not None}

    def cmd_help(self, rest: str) -> None:
        self.say(HELP)
        if self.commands:
            self.hint("Slash commands: " + " ".join(self.commands))

    def cmd_quit(self, rest: str) -> None:
        self.running = False

    # ----- what the user now sees -------------------------------------------------------------
    def _skip_existing(self) -> None:
        with self.fake._lock:
            self.known = {(m.channel, m.ts) for m in self.fake.messages}
            self.call_cursor = len(self.fake.calls)

    def _visible(self, message: Message) -> bool:
        if message.ephemeral:
            return message.user == self.user_id
        if message.channel.startswith("D"):
            return message.channel == self.fake.dm_channel(self.user_id)
        return True

    def flush(self, *, modal_changed: bool = False, heading: str | None = None, batch: Batch | None = None) -> None:
        """Show everything new since the last flush (added to `batch` when one is given, so
        the steps of a `:time` move number their buttons on)."""
        with self.fake._lock:
            calls = self.fake.calls[self.call_cursor :]
            self.call_cursor = len(self.fake.calls)
            fresh = [m for m in self.fake.messages if (m.channel, m.ts) not in self.known]
            self.known.update((m.channel, m.ts) for m in fresh)
        for message in fresh:
            self.arrived[(message.channel, message.ts)] = self.clock.now()
        batch = batch if batch is not None else Batch()
        if heading:
            batch.lines.append(self.renderer.dim(heading))
        updated, views_changed, home_changed = self._apply_calls(calls, batch)
        modal_changed = modal_changed or views_changed
        others = self._add_fresh(batch, fresh, updated)
        if home_changed and self.home is not None:
            try:
                rendered = self.renderer.view(self.home, first=batch.next_number)
                batch.add(rendered, "▸ App Home", Surface("home", self.home))
            except Exception as exc:
                batch.lines.append(f"  error: cannot show the App Home: {type(exc).__name__}: {exc}")
        if modal_changed:
            self._render_modal(batch, print_now=False)
        if others:
            listed = ", ".join(f"{n} to {self.user_name(who)}" for who, n in others.items())
            batch.lines.append(self.renderer.dim(f"  (also sent: {listed} — :as NAME then :inbox to read)"))
        counts: dict[str, int] = {}
        for line in self.app_errors:
            counts[line] = counts.get(line, 0) + 1
        batch.lines.extend(f"  ⚠ {line}" + (f" (×{n})" if n > 1 else "") for line, n in counts.items())
        self.app_errors.clear()
        self._print_batch(batch)

    def _apply_calls(self, calls: list[Call], batch: Batch) -> tuple[list[tuple[str, str]], bool, bool]:
        """Follow the app's Slack calls: opened, pushed and updated modals, a published App Home,
        updated or deleted messages, and a line for each rejected call. Returns the messages
        updated and whether the modal stack and the App Home changed."""
        updated: list[tuple[str, str]] = []
        modal_changed = home_changed = False
        for call in calls:
            method, response = call.method, call.response
            if not response.get("ok") and call.status == 200:
                batch.lines.append(self._rejection(call.method, response))
                continue
            if call.status != 200:
                batch.lines.append(self.renderer.dim(f"  (Slack answered {call.method} with HTTP {call.status})"))
                continue
            if method == "views.open":
                self.modals = [response["view"]]
                modal_changed = True
            elif method == "views.push":
                self.modals.append(response["view"])
                modal_changed = True
            elif method == "views.update":
                view = response["view"]
                self.modals = [view if m.get("id") == view.get("id") else m for m in self.modals]
                modal_changed = True
            elif method == "views.publish" and call.params.get("user_id") == self.user_id:
                self.home = {**response["view"], "id": f"VHOME{self.user_id}"}
                home_changed = True
            elif method == "chat.update":
                updated.append((str(response.get("channel")), str(response.get("ts"))))
            elif method == "chat.delete":
                batch.lines.append(self.renderer.dim("  (a message was deleted)"))
        return updated, modal_changed, home_changed

    def _add_fresh(self, batch: Batch, fresh: list[Message], updated: list[tuple[str, str]]) -> dict[str, int]:
        """Add the new messages this user can see (thread replies under their parent, messages
        the app updated marked so); returns how many others got, by recipient, for one line."""
        others: dict[str, int] = {}
        replies = [m for m in fresh if m.thread_ts and m.thread_ts != m.ts]
        for message in fresh:
            if message in replies:
                continue
            if not self._visible(message):
                owner = message.user if message.ephemeral else self._dm_owner(message.channel)
                others[owner or message.channel] = others.get(owner or message.channel, 0) + 1
                continue
            self._add_message(batch, message)
            for reply in (r for r in replies if r.thread_ts == message.ts and r.channel == message.channel):
                self._add_message(batch, reply, heading="↳ reply in thread", indent=True)
        fresh_keys = {(m.channel, m.ts) for m in fresh}
        for reply in replies:
            if (reply.channel, reply.thread_ts) not in fresh_keys and self._visible(reply):
                self._add_message(batch, reply, heading=f"↳ new reply in a thread in {self._where(reply)}")
        for channel, ts in updated:
            message = next((m for m in self.fake.messages if m.channel == channel and m.ts == ts), None)
            if message is not None and self._visible(message) and (channel, ts) not in fresh_keys:
                self._add_message(batch, message, heading=f"{self._where(message)} · (updated)")
        return others

    def _rejection(self, method: str, response: Json) -> str:
        detail = response.get("errors") or (response.get("response_metadata") or {}).get("messages") or ""
        if isinstance(detail, list):
            detail = "; ".join(str(d) for d in detail[:3])
        return f"  ⚠ Slack rejected {method}: {response.get('error')}" + (f" ({detail})" if detail else "")

    def _where(self, message: Message) -> str:
        if message.ephemeral:
            return f"#{self.channel_name(message.channel)} · {t(self.slack_lang(), 'shell.only_you')}"
        if message.channel.startswith("D"):
            return "DM from Pipeline Coach"
        return f"#{self.channel_name(message.channel)}"

    def _add_message(self, batch: Batch, message: Message, *, heading: str | None = None, indent: bool = False) -> None:
        data: Json = {
            "text": message.text,
            "blocks": message.blocks,
            "ts": message.ts,
            "channel": message.channel,
            "ephemeral": message.ephemeral,
            "files": message.files,
        }
        heading = heading or self._where(message)
        try:
            rendered = self.renderer.message(heading, data, first=batch.next_number)
        except Exception as exc:  # one odd message must not hide the others
            batch.lines.append(f"  error: cannot show a message in {self._where(message)}: {type(exc).__name__}: {exc}")
            return
        for file in message.files:
            saved = self._save_file(file)
            if saved:
                rendered.lines.append(INDENT + self.renderer.dim(f"   saved to {saved}"))
        if indent:
            rendered.lines = ["    " + line for line in rendered.lines]
        batch.add(rendered, f"▸ {heading}", Surface("message", data))
        self.shown.add((message.channel, message.ts))

    def _save_file(self, file: Json) -> str | None:
        stored = self.fake.files.get(str(file.get("id")))
        if not stored or not stored.get("content"):
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.\-]+", "_", str(stored.get("name") or file.get("id")))
        path = self.files_dir / f"{stored['id']}-{name}"
        path.write_bytes(stored["content"])
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _render_modal(self, batch: Batch, *, print_now: bool = True) -> None:
        if not self.modals:
            self.fields = []
            if print_now:
                self._print_batch(batch)
            return
        view = self.modals[-1]
        view_id = str(view.get("id"))
        rendered = self.renderer.view(
            view, values=self._values_of(view), errors=self.errors.get(view_id, {}), first=batch.next_number
        )
        self.fields = rendered.fields
        batch.add(rendered, rendered.lines[0], Surface("modal", view))
        if print_now:
            self._print_batch(batch)

    def _print_batch(self, batch: Batch) -> None:
        if batch.targets:
            self.targets = list(batch.targets)
        if batch.surfaces:
            self.surfaces = list(batch.surfaces)
        self.say(*batch.lines[batch.printed :])
        batch.printed = len(batch.lines)


def handle(name: str, user_id: str) -> str:
    """A Slack-style handle without spaces, as escaped mentions carry ('Li Wei' → 'li.wei')."""
    ascii_words = [w.lower() for w in name.split() if w.isascii()]
    return ".".join(ascii_words) or user_id.lower()


def user_words(name: str) -> list[str]:
    """A name's words ('李伟 Li Wei' → ['李伟', 'Li', 'Wei'])."""
    return name.split() or [name]


def steps(
    start: datetime, end: datetime, *, every: timedelta = timedelta(minutes=15), most: int = 24
) -> list[datetime]:
    """The instants to run due jobs at while the clock moves from `start` to `end`: every
    15 minutes, or coarser for long moves (at most `most` steps), ending at `end`. Jobs catch
    up on what fell due earlier the same day, so a coarse step loses nothing; it only shows
    messages a little later than their exact time."""
    step = max(every, (end - start) / most)
    out: list[datetime] = []
    at = start + step
    while at < end:
        out.append(at)
        at += step
    out.append(end)
    return out


class AppErrorCollector(logging.Handler):
    """Collects the app's warnings and errors, for the shell to show as one line each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Unhandled request" in message:
            return  # the shell says "no listener for …" itself
        line = message.splitlines()[0] if message else record.name
        if record.exc_info and record.exc_info[1] is not None:
            line += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.lines.append(f"{record.name}: {line}"[:300])

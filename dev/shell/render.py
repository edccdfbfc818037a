"""Block Kit as readable terminal text, with every interactive element numbered.

Messages, modals and the App Home become a heading plus indented lines: headers, sections (with
fields in two columns), context, dividers, images by their alt text, rich text, and modal
inputs with their current value. Buttons, selects and menus are numbered `[1]`, `[2]`… in the
order shown; the numbers are collected as `Target`s so the shell can press them. Modal inputs
are numbered `(1)`, `(2)`… as `Field`s so they can be filled. Mentions, channel links, URLs,
dates and common emoji codes are turned into what Slack would show; CJK text is measured at
its display width so columns line up in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wcwidth import wcswidth, wcwidth

from bot.core.i18n import Lang, t
from dev.shell.forms import describe_state, element_options, initial_state

Json = dict[str, Any]

INDENT = "  "
RULE = "─" * 48

EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "ballot_box_with_check": "☑️",
    "x": "❌",
    "warning": "⚠️",
    "bell": "🔔",
    "calendar": "📅",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "clock9": "🕘",
    "alarm_clock": "⏰",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉",
    "memo": "📝",
    "pencil": "📝",
    "pencil2": "✏️",
    "clipboard": "📋",
    "handshake": "🤝",
    "trophy": "🏆",
    "tada": "🎉",
    "star": "⭐",
    "fire": "🔥",
    "snowflake": "❄️",
    "ice_cube": "🧊",
    "moneybag": "💰",
    "dart": "🎯",
    "telephone_receiver": "📞",
    "phone": "📞",
    "email": "📧",
    "speech_balloon": "💬",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "wave": "👋",
    "sunrise": "🌅",
    "crescent_moon": "🌙",
    "arrow_right": "➡️",
    "arrow_forward": "▶️",
    "arrows_counterclockwise": "🔄",
    "red_circle": "🔴",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "large_orange_circle": "🟠",
    "white_circle": "⚪",
    "small_red_triangle": "🔺",
    "small_red_triangle_down": "🔻",
    "mag": "🔍",
    "bulb": "💡",
    "rocket": "🚀",
    "thumbsup": "👍",
    "+1": "👍",
    "zzz": "💤",
    "link": "🔗",
    "house": "🏠",
    "office": "🏢",
    "car": "🚗",
    "coffee": "☕",
    "seedling": "🌱",
    "dart_board": "🎯",
    "sos": "🆘",
    "no_entry": "⛔",
    "leftwards_arrow_with_hook": "↩️",
    "thinking_face": "🤔",
}

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (wcwidth: wide CJK characters and most emoji take two,
    combining marks none); a character wcwidth cannot measure (a control) counts as one."""
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(ch), 0) if unicodedata.category(ch) != "Cc" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def emojize(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


@dataclass
class Surface:
    """Something the user sees that can hold buttons: a message, a modal or the App Home."""

    kind: str  # message, modal, home
    data: Json


@dataclass
class Target:
    """A numbered interactive element: what `:press N` / `:pick N M` act on."""

    element: Json
    block_id: str | None
    surface: Surface

    @property
    def label(self) -> str:
        return str((self.element.get("text") or self.element.get("placeholder") or {}).get("text") or "")


@dataclass
class Field:
    """A numbered modal input: what `:set N value` fills."""

    number: int
    block_id: str
    label: str
    element: Json
    optional: bool
    dispatch_action: bool = False

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id") or "")


@dataclass
class Rendered:
    """Lines to print, plus the targets and fields they introduced."""

    lines: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    first: int = 1  # the number of the first target, so several surfaces number on in one screen


class Renderer:
    """Turns Block Kit into text; names users and channels with the lookups it is given."""

    def __init__(
        self,
        *,
        user_name: Callable[[str], str] | None = None,
        channel_name: Callable[[str], str] | None = None,
        color: bool = False,
        lang: Callable[[], Lang] | None = None,
    ) -> None:
        self.user_name = user_name or (lambda uid: uid)
        self.channel_name = channel_name or (lambda cid: cid)
        self.color = color
        self.lang = lang or (lambda: "en")

    # ----- inline text --------------------------------------------------------------------
    def _style(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._style("1", text)

    def dim(self, text: str) -> str:
        return self._style("2", text)

    def _link(self, match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or self.user_name(target[1:]))
        if target.startswith("#"):
            return "#" + (label or self.channel_name(target[1:]))
        if target.startswith("!subteam^"):
            return label or "@team"
        if target.startswith("!date^"):
            if label:
                return label
            try:
                return datetime.fromtimestamp(int(target.split("^")[1]), UTC).strftime("%Y-%m-%d %H:%M UTC")
            except (IndexError, ValueError):
                return target
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    def text(self, obj: Json | str | None) -> str:
        """A text object (mrkdwn or plain_text) or raw mrkdwn as terminal text."""
        if obj is None:
            return ""
        if isinstance(obj, dict):
            raw = str(obj.get("text") or "")
            if obj.get("type") == "plain_text":
                return emojize(raw)
        else:
            raw = str(obj)
        out = _LINK.sub(self._link, raw)
        out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        out = _BOLD.sub(lambda m: self.bold(m.group(1)), out)
        out = _ITALIC.sub(lambda m: self._style("3", m.group(1)), out)
        return emojize(out)

    # ----- surfaces -----------------------------------------------------------------------
    def message(self, heading: str, message: Json, *, first: int = 1) -> Rendered:
        """A message: its blocks, or its text when it has none, under `heading`."""
        out = Rendered(lines=[self.bold(f"▸ {heading}")], first=first)
        surface = Surface("message", message)
        blocks = message.get("blocks") or []
        if blocks:
            self._blocks(blocks, surface, out)
        elif message.get("text"):
            out.lines.extend(INDENT + line for line in self.text(message.get("text")).splitlines())
        for file in message.get("files") or []:
            out.lines.append(INDENT + f"📎 {file.get('title') or file.get('name')}")
        return out

    def view(
        self,
        view: Json,
        *,
        values: dict[str, dict[str, Json]] | None = None,
        errors: dict[str, str] | None = None,
        heading: str | None = None,
        first: int = 1,
    ) -> Rendered:
        """A modal (with its inputs' current values and errors) or the App Home."""
        kind = "home" if view.get("type") == "home" else "modal"
        title = self.text(view.get("title")) if view.get("title") else ""
        if heading is None:
            heading = "App Home" if kind == "home" else f"Modal: {title}"
        out = Rendered(lines=[self.bold(f"▸ {heading}")], first=first)
        self._blocks(view.get("blocks") or [], Surface(kind, view), out, values=values or {}, errors=errors or {})
        if kind == "modal":
            buttons = []
            if view.get("submit"):
                buttons.append(f":submit → {self.text(view['submit'])}")
            buttons.append(f":cancel → {self.text(view.get('close') or {'text': 'Cancel'})}")
            if out.fields:
                buttons.insert(0, ":set N value")
            out.lines.append(INDENT + self.dim("   ".join(buttons)))
        return out

    # ----- blocks -------------------------------------------------------------------------
    def _blocks(
        self,
        blocks: list[Json],
        surface: Surface,
        out: Rendered,
        *,
        values: dict[str, dict[str, Json]] | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                out.lines.append(INDENT + self.bold(self.text(block.get("text")).upper()))
            elif kind == "section":
                self._section(block, surface, out)
            elif kind == "context":
                parts = [
                    f"[{el.get('alt_text', 'image')}]" if el.get("type") == "image" else self.text(el)
                    for el in block.get("elements") or []
                ]
                out.lines.extend(INDENT + self.dim(line) for line in " · ".join(parts).splitlines())
            elif kind == "divider":
                out.lines.append(INDENT + self.dim(RULE))
            elif kind == "actions":
                self._actions(block, surface, out)
            elif kind == "input":
                self._input(block, out, values or {}, errors or {})
            elif kind == "image":
                title = self.text(block.get("title")) if block.get("title") else ""
                out.lines.append(INDENT + f"🖼  {title or block.get('alt_text', 'image')}")
            elif kind == "rich_text":
                out.lines.extend(INDENT + line for line in self._rich_text(block).splitlines())
            else:
                out.lines.append(INDENT + self.dim(f"[{kind} block]"))

    def _section(self, block: Json, surface: Surface, out: Rendered) -> None:
        if block.get("text"):
            out.lines.extend(INDENT + line for line in self.text(block["text"]).splitlines() or [""])
        fields = [self.text(f) for f in block.get("fields") or []]
        out.lines.extend(INDENT + line for line in self.columns(fields))
        accessory = block.get("accessory")
        if accessory:
            if accessory.get("type") == "image":
                out.lines.append(INDENT + f"🖼  {accessory.get('alt_text', 'image')}")
            else:
                out.lines.extend(INDENT + "  " + line for line in self._element(accessory, block, surface, out))

    def columns(self, fields: list[str], width: int = 38) -> list[str]:
        """Section fields two by two, the left column padded to its widest (up to `width`)."""
        if not fields:
            return []
        left_width = min(max(display_width(line) for f in fields[::2] for line in f.splitlines() or [""]), width)
        lines: list[str] = []
        for i in range(0, len(fields), 2):
            left = fields[i].splitlines() or [""]
            right = fields[i + 1].splitlines() if i + 1 < len(fields) else []
            for j in range(max(len(left), len(right))):
                a = left[j] if j < len(left) else ""
                b = right[j] if j < len(right) else ""
                lines.append((pad(a, left_width) + "   " + b).rstrip() if b else a)
        return lines

    def _actions(self, block: Json, surface: Surface, out: Rendered) -> None:
        inline: list[str] = []
        for element in block.get("elements") or []:
            lines = self._element(element, block, surface, out)
            if len(lines) == 1 and element.get("type") == "button":
                inline.append(lines[0])
            else:
                if inline:
                    out.lines.append(INDENT + "  ".join(inline))
                    inline = []
                out.lines.extend(INDENT + line for line in lines)
        if inline:
            out.lines.append(INDENT + "  ".join(inline))

    def _element(self, element: Json, block: Json, surface: Surface, out: Rendered) -> list[str]:
        """An interactive element as text, numbered as a new target."""
        out.targets.append(Target(element=element, block_id=block.get("block_id"), surface=surface))
        n = out.first + len(out.targets) - 1
        kind = element.get("type")
        if kind == "button":
            label = self.text(element.get("text"))
            mark = " ⚠" if element.get("style") == "danger" else ""
            if element.get("url"):
                mark += " ↗"
            return [self.bold(f"[{n}]") + f" {label}{mark}"]
        state = initial_state(element)
        current = describe_state(state, self.user_name, self.channel_name)
        placeholder = self.text(element.get("placeholder")) if element.get("placeholder") else ""
        lang = self.lang()
        if kind in ("overflow", "datepicker", "timepicker", "datetimepicker", "checkboxes", "radio_buttons"):
            name = t(lang, f"shell.kind.{kind}")
        else:
            name = "▾ " + (placeholder or t(lang, "shell.kind.choose"))
        head = self.bold(f"[{n}]") + f" {name}" + (f": {current}" if current else "")
        options = element_options(element)
        if not options:
            hint = t(lang, "shell.search_menu", n=n) if "external" in str(kind) else f":pick {n} <value>"
            return [head + self.dim(f"   ({hint})")]
        return [head, *self.option_lines(options, state, prefix="    ")]

    def option_lines(self, options: list[Json], state: Json | None = None, *, prefix: str = "") -> list[str]:
        """Options numbered 1) 2)…, the chosen ones marked ✓; short ones share lines."""
        chosen = {o.get("value") for o in (state or {}).get("selected_options") or []}
        if (state or {}).get("selected_option"):
            chosen.add(state["selected_option"].get("value"))  # type: ignore[index]
        items = [
            f"{i}) {self.text(opt.get('text'))}{' ✓' if opt.get('value') in chosen else ''}"
            for i, opt in enumerate(options, 1)
        ]
        if max(display_width(item) for item in items) > 40:  # long ones read better one a line
            return [prefix + self.dim(item) for item in items]
        lines: list[str] = []
        for item in items:  # short ones packed, up to 90 columns a line
            if lines and display_width(lines[-1]) + 2 + display_width(item) <= 90:
                lines[-1] += "  " + item
            else:
                lines.append(item)
        return [prefix + self.dim(line) for line in lines]

    def _input(self, block: Json, out: Rendered, values: dict[str, dict[str, Json]], errors: dict[str, str]) -> None:
        element = block.get("element") or {}
        block_id = str(block.get("block_id") or "")
        number = len(out.fields) + 1
        label = self.text(block.get("label"))
        field_ = Field(
            number=number,
            block_id=block_id,
            label=label,
            element=element,
            optional=bool(block.get("optional")),
            dispatch_action=bool(block.get("dispatch_action")),
        )
        out.fields.append(field_)
        state = (values.get(block_id) or {}).get(field_.action_id) or initial_state(element)
        current = describe_state(state, self.user_name, self.channel_name)
        optional = self.dim(t(self.lang(), "shell.optional")) if field_.optional else ""
        shown = current or self.dim(
            "___" + (f"  {self.text(element.get('placeholder'))}" if element.get("placeholder") else "")
        )
        first_line, *more = shown.splitlines() or [""]
        out.lines.append(INDENT + self.bold(f"({number})") + f" {label}{optional}: {first_line}")
        out.lines.extend(INDENT + "     " + line for line in more)  # a multi-line value, kept in the field
        options = element_options(element)
        if options:
            out.lines.extend(self.option_lines(options, state, prefix=INDENT + "     "))
        elif "external" in str(element.get("type")):
            out.lines.append(INDENT + "     " + self.dim(t(self.lang(), "shell.search_field")))
        if block.get("hint"):
            out.lines.append(INDENT + "     " + self.dim(self.text(block["hint"])))
        if block_id in errors:
            out.lines.append(INDENT + "     " + self._style("31", f"⚠ {errors[block_id]}"))

    def _rich_text(self, block: Json) -> str:
        parts: list[str] = []
        for element in block.get("elements") or []:
            kind = element.get("type")
            text = "".join(self._rich_inline(e) for e in element.get("elements") or [])
            if kind == "rich_text_list":
                bullet = "•"
                lines = []
                for i, item in enumerate(element.get("elements") or [], 1):
                    marker = f"{i}." if element.get("style") == "ordered" else bullet
                    lines.append(f"{marker} " + "".join(self._rich_inline(e) for e in item.get("elements") or []))
                text = "\n".join(lines)
            elif kind == "rich_text_quote":
                text = "\n".join("> " + line for line in text.splitlines())
            parts.append(text)
        return "\n".join(parts)

    def _rich_inline(self, element: Json) -> str:
        kind = element.get("type")
        if kind == "text":
            text = str(element.get("text", ""))
            return self.bold(text) if (element.get("style") or {}).get("bold") else text
        if kind == "link":
            return str(element.get("text") or element.get("url", ""))
        if kind == "user":
            return "@" + self.user_name(str(element.get("user_id")))
        if kind == "channel":
            return "#" + self.channel_name(str(element.get("channel_id")))
        if kind == "emoji":
            return EMOJI.get(str(element.get("name")), f":{element.get('name')}:")
        return str(element.get("text", ""))

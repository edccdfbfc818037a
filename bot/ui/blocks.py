"""Block Kit as plain dicts, built within Slack's limits.

`bot/` may not import Slack, so rendering builds the JSON Slack documents directly. Every
builder clips its text to the documented limit (with an ellipsis) so that long user input can
never make a message invalid; `bot.ui.blockkit` checks whole payloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.core.i18n import Lang, t
from bot.ui import blockkit as limits
from bot.ui.split import split_text

Block = dict[str, Any]


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary (`bot.ui.split`), marked
    with an ellipsis when cut: a safety net for text that has nowhere else to go."""
    text = str(text)
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    head = split_text(text[:limit], limit - 1)[0].rstrip()
    return (head or text[: limit - 1]) + "…"


PACK_ROOM = 2_900  # a packed section holds 3,000 characters; keep room for the "…and N more" line


def fit_lines(lines: list[str], limit: int, more: Callable[[int], str], *, sep: str = "\n") -> str:
    """As many whole `lines` as fit in `limit` characters (one field or section), then
    `more(n)` for the rest: a list is never cut in the middle of a line."""
    text = sep.join(lines)
    if len(text) <= limit:
        return text
    room = limit - len(sep) - len(more(len(lines)))
    shown: list[str] = []
    size = 0
    for line in lines:
        add = len(line) + (len(sep) if shown else 0)
        if size + add > room:
            break
        shown.append(line)
        size += add
    return sep.join([*shown, more(len(lines) - len(shown))])


def pack_lines(
    lines: list[str],
    *,
    max_blocks: int,
    more: Callable[[int], str],
    title: str | None = None,
    sep: str = "\n",
    line_limit: int = 500,
) -> list[Block]:
    """`lines` in as few sections as they need (each within Slack's 3,000 characters), never
    more than `max_blocks`: what does not fit is counted by `more(n)` ("…and N more") in the
    last one. Lines are joined with `sep` and never cut mid-word. The one way to show a list
    that can grow (team members, pipelines, histories)."""
    blocks: list[Block] = []
    current = title + "\n" if title else ""
    started = False
    for i, line in enumerate(lines):
        line = clip(line, line_limit)
        piece = (sep if started else "") + line
        if len(current) + len(piece) > PACK_ROOM and started:
            if len(blocks) + 1 >= max_blocks:
                current += "\n" + more(len(lines) - i)
                break
            blocks.append(section(current))
            current, piece = "", line
        current += piece
        started = True
    if current:
        blocks.append(section(current.removesuffix("\n")))
    return blocks


def plain(text: str, limit: int = limits.MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = limits.MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def escape(text: str) -> str:
    """Escape user text for mrkdwn (Slack's three control characters)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, limits.MAX_HEADER_TEXT)}


def section(
    text: str | None = None,
    *,
    fields: list[str] | None = None,
    accessory: dict[str, Any] | None = None,
    block_id: str | None = None,
) -> Block:
    block: Block = {"type": "section"}
    if text is not None:
        block["text"] = mrkdwn(text)
    if fields:
        block["fields"] = [mrkdwn(f, limits.MAX_FIELD_TEXT) for f in fields[: limits.MAX_FIELDS]]
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    elements = [mrkdwn(t) for t in texts if t][: limits.MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements or [mrkdwn(" ")]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str | dict[str, Any] | None = None,
    *,
    style: str | None = None,
    url: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, limits.MAX_BUTTON_TEXT),
        "action_id": action_id,
    }
    if value is not None:
        raw = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        if len(raw) > limits.MAX_BUTTON_VALUE:
            raise ValueError("button value too long; store the state and pass its id")
        element["value"] = raw
    if style in ("primary", "danger"):
        element["style"] = style
    if url:
        element["url"] = url
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, yes: str, no: str) -> dict[str, Any]:
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
    }


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[: limits.MAX_ACTIONS_ELEMENTS]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    opt: dict[str, Any] = {
        "text": plain(text, limits.MAX_OPTION_TEXT),
        "value": clip(value, limits.MAX_OPTION_VALUE),
    }
    if description:
        opt["description"] = plain(description, limits.MAX_OPTION_TEXT)
    return opt


def static_select(
    action_id: str,
    options: list[dict[str, Any]],
    *,
    placeholder: str | None = None,
    initial: dict[str, Any] | None = None,
    multi: bool = False,
    initial_many: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_static_select" if multi else "static_select",
        "action_id": action_id,
        "options": options[: limits.MAX_OPTIONS],
    }
    if placeholder:
        element["placeholder"] = plain(placeholder, limits.MAX_PLACEHOLDER)
    if initial and not multi:
        element["initial_option"] = initial
    if initial_many and multi:
        element["initial_options"] = initial_many
    return element


def checkboxes(
    action_id: str, options: list[dict[str, Any]], *, initial: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Checkboxes (at most `limits.MAX_CHECKBOXES` options); `initial`: the ones ticked."""
    element: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": action_id,
        "options": options[: limits.MAX_CHECKBOXES],
    }
    if initial:
        element["initial_options"] = initial
    return element


def external_select(
    action_id: str,
    *,
    placeholder: str | None = None,
    initial: dict[str, Any] | None = None,
    multi: bool = False,
    initial_many: list[dict[str, Any]] | None = None,
    min_query_length: int = 0,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_external_select" if multi else "external_select",
        "action_id": action_id,
        "min_query_length": min_query_length,
    }
    if placeholder:
        element["placeholder"] = plain(placeholder, limits.MAX_PLACEHOLDER)
    if initial and not multi:
        element["initial_option"] = initial
    if initial_many and multi:
        element["initial_options"] = initial_many
    return element


def text_input(
    action_id: str,
    *,
    multiline: bool = False,
    initial: str | None = None,
    placeholder: str | None = None,
    max_length: int = limits.MAX_INPUT_LENGTH,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": min(max_length, limits.MAX_INPUT_LENGTH),
    }
    if initial:
        element["initial_value"] = clip(initial, element["max_length"])
    if placeholder:
        element["placeholder"] = plain(placeholder, limits.MAX_PLACEHOLDER)
    return element


def date_picker(action_id: str, *, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if initial:
        element["initial_date"] = initial
    return element


def time_picker(action_id: str, *, initial: str | None = None) -> dict[str, Any]:
    """A time picker; `initial` is "HH:MM"."""
    element: dict[str, Any] = {"type": "timepicker", "action_id": action_id}
    if initial:
        element["initial_time"] = initial
    return element


def channels_select(action_id: str, *, initial: str | None = None) -> dict[str, Any]:
    """A public-channel picker (Slack gives back the channel's id, never a typed name)."""
    element: dict[str, Any] = {"type": "channels_select", "action_id": action_id}
    if initial:
        element["initial_channel"] = initial
    return element


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
    dispatch_action: bool = False,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, limits.MAX_INPUT_LABEL),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, limits.MAX_INPUT_LABEL)
    if dispatch_action:
        block["dispatch_action"] = True
    return block


def modal(
    lang: Lang,
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    submit: str | None = None,
    close: str | None = None,
    read_only: bool = False,
    private_metadata: str = "",
) -> dict[str, Any]:
    """A modal view shown to someone reading `lang`; the title is clipped to Slack's 24
    characters. Its buttons say Save and Cancel in `lang` unless `submit` / `close` say
    otherwise, so forms name only what differs; `read_only` leaves out the submit button (a
    view with nothing to submit)."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, limits.MAX_VIEW_TITLE),
        "blocks": blocks[: limits.MAX_VIEW_BLOCKS],
    }
    if not read_only:
        view["submit"] = plain(submit or t(lang, "common.save"), limits.MAX_VIEW_BUTTON)
    view["close"] = plain(close or t(lang, "common.cancel"), limits.MAX_VIEW_BUTTON)
    if private_metadata:
        if len(private_metadata) > limits.MAX_PRIVATE_METADATA:
            raise ValueError("private_metadata too long")
        view["private_metadata"] = private_metadata
    return view


def home(blocks: list[Block]) -> dict[str, Any]:
    return {"type": "home", "blocks": blocks[: limits.MAX_VIEW_BLOCKS]}


def fit_message(blocks: list[Block], overflow_note: Block | None = None) -> tuple[list[Block], list[Block]]:
    """Split `blocks` into what fits one message and the rest (for a thread reply).

    Never cut silently: the caller posts the rest, and `overflow_note` (if given) is put last
    in the first part to say so.
    """
    room = limits.MAX_MESSAGE_BLOCKS - (1 if overflow_note else 0)
    if len(blocks) <= limits.MAX_MESSAGE_BLOCKS:
        return blocks, []
    head, rest = blocks[:room], blocks[room:]
    if overflow_note:
        head = [*head, overflow_note]
    return head, rest

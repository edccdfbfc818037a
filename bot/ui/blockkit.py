"""Slack's documented Block Kit limits, and a checker for them.

`bot.ui.blocks` builds within these limits; `problems()` checks a finished message or view. The
fake Slack server rejects what fails here (as real Slack would), and the tests cross-check the
same payloads with slack_sdk's own models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_SECTION_TEXT = 3_000
MAX_FIELD_TEXT = 2_000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_CHECKBOXES = 10
MAX_VIEW_TITLE = 24
MAX_VIEW_BUTTON = 24
MAX_PRIVATE_METADATA = 3_000
MAX_CALLBACK_ID = 255
MAX_INPUT_LABEL = 2_000
MAX_PLACEHOLDER = 150
MAX_INPUT_LENGTH = 3_000


def _text_len(obj: Any) -> int:
    if isinstance(obj, dict):
        return len(str(obj.get("text", "")))
    return len(str(obj or ""))


def problems_in_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> list[str]:
    found: list[str] = []
    if len(blocks) > max_blocks:
        found.append(f"too many blocks: {len(blocks)} > {max_blocks}")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        kind = block.get("type")
        where = f"block {i} ({kind})"
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > MAX_BLOCK_ID:
                found.append(f"{where}: block_id too long")
            if block_id in block_ids:
                found.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        check = _BLOCK_CHECKS.get(kind) if isinstance(kind, str) else None
        if check is not None:
            found.extend(f"{where}: {p}" for p in check(block))
        elif kind not in ("divider", "image", "rich_text", "file", "video"):
            found.append(f"{where}: unknown block type")
    return found


def _section_problems(block: dict[str, Any]) -> list[str]:
    """A section's own limits: one check per block type keeps `problems_in_blocks` a plain loop."""
    found: list[str] = []
    if "text" not in block and "fields" not in block:
        found.append("needs text or fields")
    if "text" in block and not _text_len(block["text"]):
        found.append("empty text")
    if _text_len(block.get("text")) > MAX_SECTION_TEXT:
        found.append(f"text over {MAX_SECTION_TEXT}")
    fields = block.get("fields") or []
    if len(fields) > MAX_FIELDS:
        found.append(f"more than {MAX_FIELDS} fields")
    for field in fields:
        if _text_len(field) > MAX_FIELD_TEXT:
            found.append(f"field over {MAX_FIELD_TEXT}")
    if block.get("accessory"):
        found.extend(_element_problems(block["accessory"]))
    return found


def _header_problems(block: dict[str, Any]) -> list[str]:
    """A header's text length (Slack rejects an empty or long one)."""
    if not 0 < _text_len(block.get("text")) <= MAX_HEADER_TEXT:
        return [f"header text must be 1..{MAX_HEADER_TEXT}"]
    return []


def _context_problems(block: dict[str, Any]) -> list[str]:
    """A context block's element count and the length of each text in it."""
    found: list[str] = []
    elements = block.get("elements") or []
    if not 0 < len(elements) <= MAX_CONTEXT_ELEMENTS:
        found.append(f"context needs 1..{MAX_CONTEXT_ELEMENTS} elements")
    for element in elements:
        if element.get("type") in ("mrkdwn", "plain_text") and not _text_len(element):
            found.append("empty context text")
        if _text_len(element) > MAX_SECTION_TEXT:
            found.append(f"context text over {MAX_SECTION_TEXT}")
    return found


def _actions_problems(block: dict[str, Any]) -> list[str]:
    """An actions block's element count and each element's own limits."""
    found: list[str] = []
    elements = block.get("elements") or []
    if not 0 < len(elements) <= MAX_ACTIONS_ELEMENTS:
        found.append(f"actions needs 1..{MAX_ACTIONS_ELEMENTS} elements")
    for element in elements:
        found.extend(_element_problems(element))
    return found


def _input_problems(block: dict[str, Any]) -> list[str]:
    """An input block's label and its one element."""
    found: list[str] = []
    if not 0 < _text_len(block.get("label")) <= MAX_INPUT_LABEL:
        found.append(f"input label must be 1..{MAX_INPUT_LABEL}")
    if "element" not in block:
        found.append("input needs an element")
    else:
        found.extend(_element_problems(block["element"]))
    return found


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "section": _section_problems,
    "header": _header_problems,
    "context": _context_problems,
    "actions": _actions_problems,
    "input": _input_problems,
}


def _element_problems(element: dict[str, Any]) -> list[str]:
    found: list[str] = []
    kind = element.get("type")
    action_id = element.get("action_id")
    if action_id is not None and len(action_id) > MAX_ACTION_ID:
        found.append("action_id too long")
    if kind == "button":
        if not 0 < _text_len(element.get("text")) <= MAX_BUTTON_TEXT:
            found.append(f"button text must be 1..{MAX_BUTTON_TEXT}")
        if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
            found.append(f"button value over {MAX_BUTTON_VALUE}")
    if "placeholder" in element and _text_len(element["placeholder"]) > MAX_PLACEHOLDER:
        found.append(f"placeholder over {MAX_PLACEHOLDER}")
    found.extend(_option_problems(element, kind))
    if kind == "plain_text_input":
        max_length = element.get("max_length")
        if max_length is not None and max_length > MAX_INPUT_LENGTH:
            found.append(f"max_length over {MAX_INPUT_LENGTH}")
        initial_value = element.get("initial_value")
        if initial_value is not None and len(initial_value) > MAX_INPUT_LENGTH:
            found.append(f"initial_value over {MAX_INPUT_LENGTH}")
    return found


def _option_problems(element: dict[str, Any], kind: object) -> list[str]:
    """The options of a select, checkbox or radio element (grouped ones included) and the
    initial ones among them; split from `_element_problems` to keep each check short."""
    found: list[str] = []
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    if len(options) > MAX_OPTIONS:
        found.append(f"more than {MAX_OPTIONS} options")
    if kind in ("checkboxes", "radio_buttons") and not 0 < len(options) <= MAX_CHECKBOXES:
        found.append(f"{kind} needs 1..{MAX_CHECKBOXES} options")
    initial = {str(o.get("value")) for o in element.get("initial_options") or []}
    if initial - {str(o.get("value")) for o in options} and kind in ("checkboxes", "multi_static_select"):
        found.append("initial_options not among the options")
    for option in options:
        if not 0 < _text_len(option.get("text")) <= MAX_OPTION_TEXT:
            found.append(f"option text must be 1..{MAX_OPTION_TEXT}")
        if not 0 < len(str(option.get("value", ""))) <= MAX_OPTION_VALUE:
            found.append(f"option value must be 1..{MAX_OPTION_VALUE}")
    return found


def message_problems(text: str | None, blocks: list[dict[str, Any]] | None) -> list[str]:
    """What Slack would reject in a chat.postMessage / postEphemeral / update payload."""
    found: list[str] = []
    if not text and not blocks:
        found.append("message needs text or blocks")
    if text and len(text) > MAX_MESSAGE_TEXT:
        found.append(f"text over {MAX_MESSAGE_TEXT}")
    if blocks:
        found.extend(problems_in_blocks(blocks, MAX_MESSAGE_BLOCKS))
    return found


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would reject in a modal or App Home view."""
    found: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        found.append("view type must be modal or home")
    if kind == "modal":
        if not 0 < _text_len(view.get("title")) <= MAX_VIEW_TITLE:
            found.append(f"modal title must be 1..{MAX_VIEW_TITLE}")
        for key in ("submit", "close"):
            if key in view and not 0 < _text_len(view[key]) <= MAX_VIEW_BUTTON:
                found.append(f"modal {key} must be 1..{MAX_VIEW_BUTTON}")
        has_input = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            found.append("a modal with inputs needs a submit button")
    if len(str(view.get("private_metadata", ""))) > MAX_PRIVATE_METADATA:
        found.append(f"private_metadata over {MAX_PRIVATE_METADATA}")
    if len(str(view.get("callback_id", ""))) > MAX_CALLBACK_ID:
        found.append("callback_id too long")
    found.extend(problems_in_blocks(list(view.get("blocks") or []), MAX_VIEW_BLOCKS))
    return found

"""What the two check-in forms share: a multi-line text box, and reading one back."""

from __future__ import annotations

from typing import Any

from bot.ui import blocks as bk
from bot.ui.blockkit import MAX_INPUT_LENGTH


def text_box(
    block_id: str,
    label: str,
    *,
    initial: str | None,
    placeholder: str,
    optional: bool = True,
    max_length: int = MAX_INPUT_LENGTH,
) -> dict[str, Any]:
    element = bk.text_input(
        "text", multiline=True, initial=initial or None, placeholder=placeholder, max_length=max_length
    )
    return bk.input_block(block_id, label, element, optional=optional)


def typed(values: dict[str, dict[str, Any]], block_id: str) -> str | None:
    """What was typed into the `text_box` `block_id` of a submitted form (None: nothing)."""
    return ((values.get(block_id) or {}).get("text") or {}).get("value")

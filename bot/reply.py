"""What an operation answers: text (for notifications and screen readers) plus blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import blocks as bk
from bot.i18n import Lang, t


@dataclass
class Reply:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"text": bk.clip(self.text, 3000)}
        if self.blocks:
            kwargs["blocks"] = self.blocks
        return kwargs


def echo_reply(lang: Lang, message_key: str, original: str | None, **values: object) -> Reply:
    """A friendly message that gives the user back what they typed, so nothing is lost."""
    message = t(lang, message_key, **values)
    blocks = [bk.section(message)]
    if original:
        quoted = bk.escape(bk.clip(original, 2900))
        blocks.append(bk.section(f"```{quoted}```"))
        message = f"{message}\n{original}"
    return Reply(text=message, blocks=blocks)

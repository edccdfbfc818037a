"""What an operation answers: text (for notifications and screen readers) plus blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.i18n import Lang, t
from bot.ui import blocks as bk
from bot.ui.split import split_text


@dataclass
class Reply:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"text": bk.clip(self.text, 3000)}
        if self.blocks:
            kwargs["blocks"] = self.blocks
        return kwargs


def quoted_sections(original: str, chunk: int = 2800) -> list[dict[str, Any]]:
    """`original` escaped and quoted in as many sections as it needs: never clipped, cut only
    between words (`split_text`, measuring each character as escaped)."""
    pieces = split_text(original, chunk, size=lambda ch: len(bk.escape(ch)))
    return [bk.section(f"```{bk.escape(piece)}```") for piece in pieces]


def echo_reply(lang: Lang, message_key: str, original: str | None, **values: object) -> Reply:
    """A friendly message that gives the user back what they typed, so nothing is lost.

    `values` are what the user typed or named (a deal reference, an account, a bad amount):
    escaped here, like `original`, so typed `<!here>` never notifies anyone."""
    message = t(lang, message_key, **{k: bk.escape(v) if isinstance(v, str) else v for k, v in values.items()})
    blocks = [bk.section(message)]
    if original:
        blocks.extend(quoted_sections(original))
        message = f"{message}\n{bk.escape(original)}"  # the fallback text is mrkdwn too
    return Reply(text=message, blocks=blocks)

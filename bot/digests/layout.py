"""Laying digest text out in Block Kit without losing any of it.

A digest is built as lines; `line_sections` packs them into as few section blocks as fit
Slack's 3,000-character limit, and `split_message` cuts a long block list into the message
and the thread replies that carry the rest (`bot.ui.blocks.fit_message`), so a team of 50 never
gets a digest cut short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ui import blockkit as limits
from bot.ui import blocks as bk
from bot.ui.split import split_lines

SECTION_ROOM = limits.MAX_SECTION_TEXT - 100  # leave room for escaping done later


@dataclass
class Post:
    """One Slack message: the notification text and its blocks."""

    text: str
    blocks: list[bk.Block] = field(default_factory=list)


@dataclass
class Chart:
    """A PNG to upload into the digest's thread."""

    filename: str
    title: str
    png: bytes


@dataclass
class Rendered:
    """A digest ready to send: the parent message, the thread replies (overflow first, then
    the digest's own replies), and the charts uploaded into the thread."""

    kind: str
    parent: Post
    replies: list[Post] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    overflowed: bool = False
    # Recorded with the parent in the delivery ledger (the recap's "through:<instant>" watermark).
    ledger_items: list[str] = field(default_factory=list)

    def all_posts(self) -> list[Post]:
        return [self.parent, *self.replies]


def line_sections(lines: list[str], heading: str | None = None) -> list[bk.Block]:
    """Lines packed into sections of at most `SECTION_ROOM` characters; a line too long for
    one section is continued in the next (`split_lines`: between words), never cut short."""
    text = "\n".join([heading, *lines] if heading else lines)
    return [bk.section(piece) for piece in split_lines(text, SECTION_ROOM)]


def split_message(blocks: list[bk.Block], note: bk.Block, text: str) -> tuple[Post, list[Post]]:
    """The message (at most 50 blocks, ending with `note` when something overflows) and the
    thread replies holding the rest, 50 blocks each."""
    head, rest = bk.fit_message(blocks, note)
    replies = [
        Post(text, rest[i : i + limits.MAX_MESSAGE_BLOCKS]) for i in range(0, len(rest), limits.MAX_MESSAGE_BLOCKS)
    ]
    return Post(text, head), replies

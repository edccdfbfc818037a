"""Cutting long text into pieces a Slack text field can hold, without losing or breaking words.

Slack refuses a section whose text passes 3,000 characters, so anything longer (an echoed note,
a digest line listing fifty deals, a target table) is carried over several blocks. This is the
one place that decides where the cuts go: at a line end when the window has one, else after a
space, else between two Chinese/Japanese/Korean characters (text with no spaces); a single word
longer than the whole limit is the only thing ever cut inside.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from itertools import accumulate

# A cut is never made just before these: they belong to the character they follow.
_CLOSING = set("，。、；：！？）」』】》〉”’,.;:!?)]}…·")


def _wide(ch: str) -> bool:
    """A CJK character (or full-width form): each one may start a new piece."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _may_cut_before(text: str, i: int) -> bool:
    """Whether a piece may end just before `text[i]` without splitting a word."""
    before, after = text[i - 1], text[i]
    if after in _CLOSING:
        return False
    return before.isspace() or _wide(before) or _wide(after)


def split_text(text: str, limit: int, *, size: Callable[[str], int] = len) -> list[str]:
    """`text` as consecutive pieces, each measuring at most `limit` by `size` (a character's
    size, e.g. its length once escaped), whose concatenation is exactly `text`.

    A piece ends at the window's last line break, else its last space, else its last cut
    between CJK characters; only a word longer than `limit` is cut inside. The separator
    stays at the end of the piece before the cut (callers may strip it for display)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if not text:
        return []
    weights = [max(size(ch), 0) for ch in text]
    if max(weights) > limit:
        raise ValueError("one character is larger than the limit")
    ends = list(accumulate(weights, initial=0))  # ends[i]: the size of text[:i]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        stop = start
        while stop < len(text) and ends[stop + 1] - ends[start] <= limit:
            stop += 1
        if stop < len(text):
            stop = _best_cut(text, start, stop)
        pieces.append(text[start:stop])
        start = stop
    return pieces


def _best_cut(text: str, start: int, stop: int) -> int:
    """Where to end the piece `text[start:stop]` that fits but leaves more text after it."""
    newline = text.rfind("\n", start, stop)
    if newline >= start:
        return newline + 1
    for i in range(stop, start, -1):
        if text[i - 1].isspace() and text[i] not in _CLOSING:
            return i
    for i in range(stop, start, -1):
        if _may_cut_before(text, i):
            return i
    return stop  # one word longer than the limit: the only hard cut


def split_lines(text: str, limit: int) -> list[str]:
    """`split_text` for display in separate blocks: each piece without the line break or
    spaces it was cut after, and no piece left blank."""
    pieces = (piece.rstrip() for piece in split_text(text, limit))
    return [piece for piece in pieces if piece]

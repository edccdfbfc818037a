"""`bot.ui.split`: the one way long text is cut under Slack's limits, and the places that use it
(echoed notes, digest lines, target tables, clipped labels)."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.layout import SECTION_ROOM, line_sections
from bot.ui import blocks as bk
from bot.ui.reply import echo_reply, quoted_sections
from bot.ui.split import split_lines, split_text

NOTE_EN = (
    "Met Mr. Zhang & Ms. Li at Ricoh Shanghai re: the <renewal>; they want pricing < 10k/seat, "
    "pilot in Q3, decision by the 15th. "
)
NOTE_ZH = "拜访理光上海张总和李经理，讨论续约，对方希望每席位价格低于一万，第三季度试点，十五号前决定。"
CLOSING = set("，。、；：！？）」』】》〉”’,.;:!?)]}…·")


def _cuts(pieces: list[str]) -> list[tuple[str, str]]:
    """(last character before, first character after) of each cut."""
    return [(a[-1], b[0]) for a, b in pairwise(pieces)]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9&<>/.;:,'-]+", text))


@pytest.mark.parametrize("limit", [40, 97, 500, 2_900])
def test_a_long_bilingual_note_keeps_every_character_and_no_cut_splits_a_word(limit: int) -> None:
    text = (NOTE_EN + NOTE_ZH + "\n") * 60
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)
    for before, after in _cuts(pieces):  # after a space/line end, or beside a Chinese character
        assert before.isspace() or ord(before) > 0x2E80 or ord(after) > 0x2E80, (before, after)
        assert after not in CLOSING  # never a line starting with "，" or "."
    # every English word of the note is whole in some piece
    assert _words(NOTE_EN) <= set().union(*(_words(p) for p in pieces))


def test_chinese_without_spaces_is_cut_between_characters_not_before_punctuation() -> None:
    text = NOTE_ZH * 100  # ~4,600 characters, no space at all
    pieces = split_text(text, 3_000)
    assert "".join(pieces) == text and len(pieces) == 2
    assert all(len(p) <= 3_000 for p in pieces)
    assert pieces[1][0] not in CLOSING


def test_a_cut_prefers_the_last_line_end_of_the_window() -> None:
    lines = [f"{i}. Acme Corp — follow up with Wang (next Tuesday)" for i in range(200)]
    pieces = split_text("\n".join(lines), 2_900)
    assert all(p.endswith("\n") for p in pieces[:-1])  # whole lines only
    assert sum(p.count("\n") for p in pieces) == len(lines) - 1


def test_only_a_word_longer_than_the_limit_is_cut_inside() -> None:
    url = "https://example.com/" + "x" * 5_000
    pieces = split_text(f"see {url} ok", 3_000)
    assert "".join(pieces) == f"see {url} ok"
    assert pieces[0] == "see "  # the long word starts its own piece
    assert all(len(p) <= 3_000 for p in pieces)


def test_a_size_function_measures_escaped_text() -> None:
    text = "R&D <team> & sales " * 400
    pieces = split_text(text, 2_800, size=lambda ch: len(bk.escape(ch)))
    assert "".join(pieces) == text
    assert all(len(bk.escape(p)) <= 2_800 for p in pieces)


@given(st.text(alphabet=st.sampled_from(list("ab c\n&<>张总，。")), max_size=400), st.integers(1, 60))
def test_any_text_round_trips_within_the_limit(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)


def test_echoed_text_is_given_back_whole_in_valid_sections() -> None:
    typed = (NOTE_EN + NOTE_ZH) * 40
    reply = echo_reply("en", "common.error", typed)
    quoted = [b["text"]["text"] for b in reply.blocks[1:]]
    assert all(len(text) <= 3_000 for text in quoted)
    unescaped = "".join(q[3:-3] for q in quoted).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == typed
    assert quoted_sections("") == []


def test_digest_lines_continue_in_the_next_section_between_words() -> None:
    names = ", ".join(f"Customer {i} (王{i})" for i in range(400))
    blocks = line_sections([names, "last line"], "Accounts cooling")
    texts = [b["text"]["text"] for b in blocks]
    assert all(len(t) <= SECTION_ROOM for t in texts)
    assert " ".join(texts).replace("\n", " ").split() == f"Accounts cooling {names} last line".split()


def test_split_lines_drops_the_separator_at_each_cut_and_nothing_else() -> None:
    text = "one two three four five six"
    assert split_lines(text, 11) == ["one two", "three four", "five six"]  # the space counts


def test_clip_never_cuts_a_word_and_marks_the_cut() -> None:
    assert bk.clip("Quarterly business review with Ricoh", 20) == "Quarterly business…"
    assert bk.clip("理光上海季度业务回顾会议", 6) == "理光上海季…"
    assert bk.clip("short", 20) == "short"
    assert len(bk.clip("x" * 100, 10)) == 10  # one long word: cut hard, still within the limit

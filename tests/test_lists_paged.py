"""Lists that can grow go on over more sections or say "…and N more": never cut mid-name."""

from __future__ import annotations

import re

import pytest

from bot.ui import blocks as bk
from bot.ui.blockkit import message_problems
from dev.driver import Driver
from storage.db import Database
from tests.conftest import START
from tests.digest_world import World


def _section_texts(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_team_of_60_reps_lists_every_name_whole(driver: Driver, db: Database, locale: str) -> None:
    names = [f"Representative{i:02d} Alexandria-Konstantinopoulou 王小{i}号" for i in range(60)]
    with db.transaction() as session:
        world = World(session, START)
        world.person("UADMIN", "Ann", role="admin", locale=locale)
        mia = world.person("UMGR", "Mia", role="manager")
        for i, name in enumerate(names):
            world.person(f"UR{i:02d}", name, manager=mia)

    driver.command("UADMIN", "/coach", "team <@UMGR>")

    message = driver.last_ephemeral("UADMIN")
    assert not message_problems(message.get("text"), message.get("blocks"))
    shown = ", ".join(_section_texts(message))
    assert sum(len(n) for n in names) > 3000  # more than one section can hold
    for name in names:
        assert name in shown
    assert "…" not in shown
    assert "60" in message["text"]


def test_pack_lines_says_how_many_more_and_never_cuts_a_word() -> None:
    words = [f"name{i}-Zhang Wei 张伟{i}" for i in range(2000)]
    blocks = bk.pack_lines(words, max_blocks=3, more=lambda n: f"…and {n} more", sep=", ")
    assert len(blocks) == 3
    texts = [b["text"]["text"] for b in blocks]
    assert all(len(t) <= 3000 for t in texts)
    shown = ", ".join(texts)
    listed = [w for w in words if re.search(re.escape(w) + r"(,|$|\n)", shown)]
    more = int(re.search(r"…and (\d+) more", texts[-1]).group(1))
    assert listed == words[: len(listed)] and len(listed) + more == len(words)


def test_clip_cuts_between_words() -> None:
    text = "Pricing discussion with the procurement director about renewal " * 3
    clipped = bk.clip(text, 50)
    assert clipped.endswith("…") and len(clipped) <= 50
    assert text.startswith(clipped[:-1]) and text[len(clipped) - 1] in " "
    assert bk.clip("客户对价格很敏感希望下周再谈", 5) == "客户对价…"


def test_fit_lines_keeps_whole_lines_and_counts_the_rest() -> None:
    lines = [f"• 10:{i:02d} Ricoh 理光 (in person) · Zhang Wei" for i in range(100)]
    text = bk.fit_lines(lines, 1900, lambda n: f"…and {n} more")
    assert len(text) <= 1900
    shown = text.split("\n")
    more = int(re.search(r"…and (\d+) more", shown[-1]).group(1))
    assert shown[:-1] == lines[: len(shown) - 1] and len(shown) - 1 + more == 100
    assert bk.fit_lines(lines[:3], 1900, lambda n: "x") == "\n".join(lines[:3])

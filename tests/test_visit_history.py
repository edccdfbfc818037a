"""A rep's own records: long notes survive an edit, corrections any time, the history list."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest

from dev.driver import Driver
from storage.db import Database
from storage.models import Visit
from tests.conftest import START
from tests.visit_world import account, get, rep, reply_text
from tests.visit_world import visits as stored_visits

_EN = "Met the buyer about the Q3 toner renewal, pricing pushback; "
_ZH = "客户对价格很敏感，希望下周再谈一次合同条款。"


def long_note(size: int = 2500) -> str:
    """A realistic mixed English/Chinese note of exactly `size` characters."""
    text, i = "", 0
    while len(text) < size:
        text += f"{i}. {_EN if i % 2 else _ZH}\n"
        i += 1
    return text[:size].rstrip() + "end"


def _edit_values(view: dict, **changes: object) -> dict:
    """What Slack sends back for the open form, with `changes` typed over it."""
    values: dict = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind, action = element["type"], element["action_id"]
        entry: dict = {"type": kind}
        if kind == "plain_text_input":
            entry["value"] = element.get("initial_value")
        elif kind in ("external_select", "static_select"):
            entry["selected_option"] = element.get("initial_option")
        elif kind == "multi_external_select":
            entry["selected_options"] = element.get("initial_options") or []
        elif kind == "datepicker":
            entry["selected_date"] = element.get("initial_date")
        elif kind == "timepicker":
            entry["selected_time"] = element.get("initial_time")
        values[block["block_id"]] = {action: entry}
    for block_id, value in changes.items():
        (action,) = values[block_id]
        values[block_id][action]["value" if isinstance(value, str) else "selected_option"] = value
    return values


def test_editing_another_field_keeps_every_character_of_a_long_note(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1")
    ricoh = account(db, me, "Ricoh")
    note = long_note(2500)
    driver.command("U1", "/visit", "Ricoh phone: pricing")
    (visit,) = stored_visits(db)
    with db.transaction() as session:
        session.get(Visit, visit.id).notes = note

    driver.click("U1", driver.last_ephemeral("U1"), "visit_edit")
    view = driver.last_view()
    response = driver.submit("U1", view, _edit_values(view, purpose="pricing and renewal"))
    assert response.status == 200 and not response.body

    edited = get(db, Visit, visit.id)
    assert edited.purpose == "pricing and renewal" and edited.account_id == ricoh
    assert edited.notes == note


def _store_texts(db: Database, visit_id: int, **texts: object) -> None:
    with db.transaction() as session:
        row = session.get(Visit, visit_id)
        for name, value in texts.items():
            setattr(row, name, value)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_texts_longer_than_a_field_open_in_parts_and_save_whole(driver: Driver, db: Database, locale: str) -> None:
    me = rep(db, driver, "U1", locale=locale)
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", "Ricoh phone")
    (visit,) = stored_visits(db)
    purpose, notes, step = long_note(1200), long_note(7000), long_note(600)
    _store_texts(db, visit.id, purpose=purpose, notes=notes, next_step=step, next_step_due_at=START + timedelta(days=3))

    driver.click("U1", driver.last_ephemeral("U1"), "visit_edit")
    view = driver.last_view()
    ids = [b.get("block_id") for b in view["blocks"]]
    assert [i for i in ids if str(i).startswith("notes")] == ["notes", "notes__2", "notes__3"]
    texts = {}
    for block in view["blocks"]:
        if block.get("type") == "input" and block["element"]["type"] == "plain_text_input":
            initial = block["element"].get("initial_value") or ""
            assert len(initial) <= block["element"]["max_length"] <= 3000
            texts[block["block_id"]] = initial
    parts = [texts["notes"], texts["notes__2"], texts["notes__3"]]
    assert "".join(parts) == notes
    for before, after in pairwise(parts):  # no English word cut in half between parts
        assert not (before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum())
    part = next(b for b in view["blocks"] if b.get("block_id") == "notes__2")
    assert ("part 2 of 3" if locale == "en-US" else "第 2/3 部分") in part["label"]["text"]

    values = _edit_values(view, channel={"text": {"type": "plain_text", "text": "x"}, "value": "in_person"})
    response = driver.submit("U1", view, values)
    assert response.status == 200 and not response.body
    edited = get(db, Visit, visit.id)
    assert (edited.channel, edited.purpose, edited.notes, edited.next_step) == ("in_person", purpose, notes, step)


def test_a_text_too_long_for_any_form_is_shown_whole_and_the_form_not_opened(driver: Driver, db: Database) -> None:
    me = rep(db, driver, "U1", locale="zh-CN")
    account(db, me, "Ricoh")
    driver.command("U1", "/visit", "Ricoh phone")
    (visit,) = stored_visits(db)
    notes = long_note(40_000)
    _store_texts(db, visit.id, notes=notes)
    before = len(driver.fake.calls_to("views.open"))

    driver.click("U1", driver.last_ephemeral("U1"), "visit_edit")

    assert len(driver.fake.calls_to("views.open")) == before
    answer = driver.last_ephemeral("U1")
    assert "太长" in reply_text(answer)
    shown = "".join(
        b["text"]["text"].removeprefix("```").removesuffix("```")
        for b in answer["blocks"][1:]
        if b["type"] == "section"
    )
    assert notes in shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert get(db, Visit, visit.id).notes == notes

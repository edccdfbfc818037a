"""Every string exists in both languages, and what we build is valid Block Kit."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.i18n import Lang, catalog, format_day, lang_for, placeholders, t
from bot.ui import blockkit
from bot.ui import blocks as bk


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (en, zh) in catalog().items():
        assert en.strip() and zh.strip(), key
        assert placeholders(en) == placeholders(zh), key


def test_language_choice() -> None:
    assert lang_for("zh-CN") == "zh"
    assert lang_for("en-GB") == "en"
    assert lang_for("zh-CN", "en") == "en"
    assert lang_for(None) == "en"
    assert t("zh", "common.cancel") == "取消"


def test_dates_name_the_weekday() -> None:
    from datetime import date

    assert format_day("en", date(2026, 11, 27)) == "Fri 27 Nov 2026"
    assert format_day("zh", date(2026, 11, 27)) == "2026年11月27日 周五"


def test_builders_clip_to_slack_limits_and_pass_slack_sdk_validation() -> None:
    long = "长" * 5000
    blocks = [
        bk.header(long),
        bk.section(long, fields=[long] * 12, accessory=bk.button(long, "a1", "v")),
        bk.context(*([long] * 12)),
        bk.actions(*[bk.button(f"b{i}", f"act{i}") for i in range(30)]),
        bk.input_block("in", long, bk.text_input("t", initial=long)),
    ]
    view = bk.modal(
        "en",
        "A title far longer than twenty-four characters",
        blocks,
        callback_id="cb",
        submit="Submit it now please, thanks",
        close="Close",
    )
    assert blockkit.view_problems(view) == []
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    View(**view).validate_json()


@pytest.mark.parametrize(("lang", "save", "cancel"), [("en", "Save", "Cancel"), ("zh", "保存", "取消")])
def test_modal_buttons_default_to_save_and_cancel_in_the_users_language(lang: Lang, save: str, cancel: str) -> None:
    form = bk.modal(lang, "A title far longer than twenty-four characters", [], callback_id="cb")
    assert (form["submit"]["text"], form["close"]["text"]) == (save, cancel)
    assert len(form["title"]["text"]) <= blockkit.MAX_VIEW_TITLE and form["title"]["text"].endswith("…")
    assert blockkit.view_problems(form) == []
    named = bk.modal(lang, "Close the deal", [], callback_id="cb", submit="Mark won", close="Back")
    assert (named["submit"]["text"], named["close"]["text"]) == ("Mark won", "Back")
    shown = bk.modal(lang, "Nothing to pick", [], callback_id="cb", submit="Open", read_only=True)
    assert "submit" not in shown and shown["close"]["text"] == cancel


def test_checker_rejects_what_slack_rejects() -> None:
    too_many = [bk.section(str(i)) for i in range(51)]
    assert blockkit.message_problems("x", too_many)
    assert blockkit.view_problems({"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []})
    assert blockkit.message_problems("x", [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}])


def test_fit_message_threads_the_overflow_instead_of_cutting() -> None:
    blocks = [bk.section(str(i)) for i in range(120)]
    head, rest = bk.fit_message(blocks, bk.context("more in thread"))
    assert len(head) == 50 and blockkit.message_problems("x", head) == []
    assert len(head) - 1 + len(rest) == 120


@pytest.mark.parametrize("value", ["x" * 2001])
def test_button_value_over_limit_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        bk.button("b", "a", value)
